using System.Globalization;

namespace HoMM.Core.Trials;

/// <summary>
/// The one form of a number written for people to read (tables, the live terminal view, tick
/// labels): 5 significant digits without trailing zeros, fixed-point from 1e-4 up to below 1e6
/// (<c>0.0085842</c>, <c>0.91</c>, <c>123.46</c>), otherwise scientific (<c>1.5e-5</c>,
/// <c>2.4e+7</c>); integers in full. Machines get full precision instead (<see cref="ParamFormatter"/>,
/// exports). The dashboard's pages write numbers by the same rule (<c>Homm.number</c> in
/// dashboards/dashboard/common.js), so a value reads the same in the terminal and the browser.
/// </summary>
public static class ReadableNumber
{
    public const int SignificantDigits = 5;

    public static string Format(double value)
    {
        if (double.IsNaN(value))
            return "nan";
        if (double.IsInfinity(value))
            return value > 0 ? "inf" : "-inf";
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        // "G5" rounds to the digits shown (9.99996 becomes 10 here, not "10.000" later).
        var rounded = double.Parse(value.ToString("G5", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var magnitude = Math.Abs(rounded);
        return magnitude >= 1e-4 && magnitude < 1e6
            ? rounded.ToString("0.##########", CultureInfo.InvariantCulture)
            : rounded.ToString("0.####e+0", CultureInfo.InvariantCulture);
    }

    /// <summary>A value of any kind as read by people: numbers by <see cref="Format(double)"/>, the rest as <see cref="ParamFormatter"/> writes it.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d => Format(d),
        float f => Format((double)f),
        _ => ParamFormatter.Format(value),
    };
}
