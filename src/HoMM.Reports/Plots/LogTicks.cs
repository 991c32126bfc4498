using System.Globalization;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>
/// Ticks of a logarithmic axis, each labelled with its whole value ("0.007 0.01 0.02"), never
/// with plotly's bare mantissas ("7 8 9 0.01 2 3") that read as different numbers.
/// </summary>
public static class LogTicks
{
    /// <summary>
    /// Tick positions (log10 units) over [lo, hi]: the powers of ten inside; when fewer than two,
    /// the 1-2-5 steps inside; when still fewer than two, the ends and the middle.
    /// </summary>
    public static double[] Positions(double lo, double hi)
    {
        var powers = new List<double>();
        for (var p = Math.Ceiling(lo - 1e-9); p <= hi + 1e-9; p++)
            powers.Add(p);
        if (powers.Count >= 2)
            return [.. powers];
        var steps = new List<double>();
        for (var p = Math.Floor(lo); p <= Math.Ceiling(hi); p++)
        {
            foreach (var m in (ReadOnlySpan<double>)[1, 2, 5])
            {
                var t = p + Math.Log10(m);
                if (t >= lo - 1e-9 && t <= hi + 1e-9)
                    steps.Add(t);
            }
        }
        if (steps.Count >= 2)
            return [.. steps];
        return lo == hi ? [lo] : [lo, (lo + hi) / 2, hi];
    }

    /// <summary>A tick's label: powers of ten beyond 1e±3 as <c>1e-4</c>, other values to 3 significant digits as <see cref="ReadableNumber"/> writes them.</summary>
    public static string Label(double value)
    {
        var exponent = Math.Log10(Math.Abs(value));
        if (Math.Abs(exponent - Math.Round(exponent)) < 1e-9 && Math.Abs(exponent) > 3)
            return string.Create(CultureInfo.InvariantCulture, $"1e{Math.Round(exponent):0}");
        return ReadableNumber.Format(double.Parse(value.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A log axis over these (positive) values with its ticks written out; plotly's own ticks
    /// when there is no value. Tick values of a log axis are data values (plotly takes their log).
    /// </summary>
    public static Axis AxisOver(IEnumerable<double> values, Title? title = null)
    {
        var logs = values.Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).ToList();
        if (logs.Count == 0)
            return new Axis { Title = title, Type = AxisType.Log };
        var ticks = Positions(logs.Min(), logs.Max()).Select(t => Math.Pow(10, t)).ToArray();
        return new Axis
        {
            Title = title,
            Type = AxisType.Log,
            TickVals = ticks,
            TickText = ticks.Select(Label).ToArray<string?>(),
        };
    }
}
