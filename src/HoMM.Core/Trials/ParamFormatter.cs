using System.Globalization;
using System.Text;

namespace HoMM.Core.Trials;

/// <summary>
/// The one text form of a parameter value, wherever one is written for a trainer: command-line
/// placeholders (<c>{lr}</c> in a study file's command, the dispatcher's argv), environment
/// values, summaries. Floats are written as Python's <c>repr</c> writes them — the shortest text
/// that reads back to the same double, fixed-point from 1e-4 up to below 1e16, otherwise
/// scientific with a signed two-digit exponent (<c>0.001</c>, <c>1e-05</c>, <c>2.5</c>, <c>3.0</c>,
/// <c>1e+16</c>, <c>nan</c>, <c>inf</c>) — so a Python trainer that prints the value it got sees
/// the same text; integers plainly; booleans <c>true</c>/<c>false</c>; strings unchanged. Always
/// culture-invariant: a German locale must not turn 0.001 into "0,001".
/// </summary>
public static class ParamFormatter
{
    public static string Format(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            double d => FormatDouble(d),
            float f => FormatDouble(f),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            System.Text.Json.JsonElement e => FormatJson(e),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    /// <summary>A double as Python's <c>repr(float)</c> writes it.</summary>
    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d))
            return "nan";
        if (double.IsInfinity(d))
            return d > 0 ? "inf" : "-inf";
        if (d == 0)
            return double.IsNegative(d) ? "-0.0" : "0.0";

        // "R" gives the shortest digits that round-trip; only their layout differs from Python's.
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative)
            r = r[1..];
        var exponent = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var point = r.IndexOf('.', StringComparison.Ordinal);
        var intPart = point < 0 ? r : r[..point];
        var digits = (point < 0 ? r : intPart + r[(point + 1)..]).TrimStart('0');
        // Decimal exponent of the first significant digit: value = 0.d1d2... × 10^(exp10 + 1).
        var leadingZeros = (point < 0 ? r : intPart + r[(point + 1)..]).Length - digits.Length;
        var exp10 = exponent + intPart.Length - 1 - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
            digits = "0";

        var sb = new StringBuilder(32);
        if (negative)
            sb.Append('-');
        if (exp10 is >= -4 and < 16)
        {
            if (exp10 >= 0)
            {
                var whole = digits.Length > exp10 + 1 ? digits[..(exp10 + 1)] : digits.PadRight(exp10 + 1, '0');
                var frac = digits.Length > exp10 + 1 ? digits[(exp10 + 1)..] : "0";
                sb.Append(whole).Append('.').Append(frac);
            }
            else
            {
                sb.Append("0.").Append('0', -exp10 - 1).Append(digits);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(exp10 < 0 ? '-' : '+').Append(Math.Abs(exp10).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string FormatJson(System.Text.Json.JsonElement e) => e.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => e.GetString()!,
        System.Text.Json.JsonValueKind.True => "true",
        System.Text.Json.JsonValueKind.False => "false",
        System.Text.Json.JsonValueKind.Number when e.TryGetInt64(out var l) => l.ToString(CultureInfo.InvariantCulture),
        System.Text.Json.JsonValueKind.Number => FormatDouble(e.GetDouble()),
        _ => e.GetRawText(),
    };
}
