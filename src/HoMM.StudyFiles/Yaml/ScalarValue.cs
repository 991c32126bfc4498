using System.Globalization;
using System.Text.RegularExpressions;

namespace HoMM.StudyFiles.Yaml;

internal enum ScalarKind
{
    Null,
    Bool,
    Int,
    Float,
    String,

    /// <summary>Looks like a number but cannot be one: too large, or explicitly tagged and malformed.</summary>
    Invalid,
}

/// <summary>A typed scalar. Integers keep their exact value; <see cref="Number"/> holds any number as a double.</summary>
internal readonly partial record struct ScalarValue(ScalarKind Kind, string Text, long Int = 0, double Number = 0, bool Bool = false, string? Problem = null)
{
    public bool IsNumber => Kind is ScalarKind.Int or ScalarKind.Float;

    public string Describe() => Kind switch
    {
        ScalarKind.Null => "empty (null)",
        ScalarKind.Bool => $"the boolean {Text}",
        ScalarKind.Int => $"the integer {Text}",
        ScalarKind.Float => $"the number {Text}",
        ScalarKind.Invalid => $"the value {Text}",
        _ => $"the string '{Abbreviate(Text)}'",
    };

    public static string Abbreviate(string s) => s.Length <= 40 ? s : s[..37] + "...";

    public static ScalarValue Resolve(YScalar scalar)
    {
        var text = scalar.Value;
        return scalar.Tag switch
        {
            ScalarTag.String => new(ScalarKind.String, text),
            ScalarTag.Null => new(ScalarKind.Null, text),
            ScalarTag.Bool => ParseBool(text) ?? Invalid(text, "is tagged !!bool but is not true or false"),
            ScalarTag.Int => ParseInt(text) is { } i && i.Kind != ScalarKind.String ? i : Invalid(text, "is tagged !!int but is not an integer"),
            ScalarTag.Float => (ParseInt(text) ?? ParseFloat(text)) is { } f && f.Kind != ScalarKind.String
                ? f.Kind == ScalarKind.Int ? f with { Kind = ScalarKind.Float } : f
                : Invalid(text, "is tagged !!float but is not a number"),
            _ when !scalar.IsPlain => new(ScalarKind.String, text),
            _ when text is "" or "~" or "null" or "Null" or "NULL" => new(ScalarKind.Null, text),
            _ => ParseBool(text) ?? ParseInt(text) ?? ParseFloat(text) ?? new(ScalarKind.String, text),
        };
    }

    private static ScalarValue Invalid(string text, string problem) => new(ScalarKind.Invalid, text, Problem: $"'{Abbreviate(text)}', which {problem}");

    private static ScalarValue? ParseBool(string text) => text switch
    {
        "true" or "True" or "TRUE" => new(ScalarKind.Bool, text, Bool: true),
        "false" or "False" or "FALSE" => new(ScalarKind.Bool, text, Bool: false),
        _ => null,
    };

    private static ScalarValue? ParseInt(string text)
    {
        if (DecimalInt().IsMatch(text))
        {
            var digits = text.Replace("_", "", StringComparison.Ordinal);
            return long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                ? new(ScalarKind.Int, text, v, v)
                : new(ScalarKind.Invalid, text, Problem: $"the integer {Abbreviate(text)}, which is too large (integers must lie within ±9.2e18)");
        }
        if (HexInt().IsMatch(text) || OctalInt().IsMatch(text))
        {
            var radix = text[1] == 'x' ? 16 : 8;
            try
            {
                var v = Convert.ToInt64(text[2..], radix);
                return v >= 0
                    ? new(ScalarKind.Int, text, v, v)
                    : new(ScalarKind.Invalid, text, Problem: $"the integer {Abbreviate(text)}, which is too large");
            }
            catch (OverflowException)
            {
                return new(ScalarKind.Invalid, text, Problem: $"the integer {Abbreviate(text)}, which is too large");
            }
        }
        return null;
    }

    private static ScalarValue? ParseFloat(string text)
    {
        if (Infinity().IsMatch(text) || NotANumber().IsMatch(text))
            return new(ScalarKind.Invalid, text, Problem: $"{text}, which is not a finite number; use a finite value");
        if (!FloatPattern().IsMatch(text))
            return null;
        var v = double.Parse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(v)
            ? new(ScalarKind.Float, text, Number: v)
            : new(ScalarKind.Invalid, text, Problem: $"the number {Abbreviate(text)}, which is too large (the limit is about 1.8e308)");
    }

    [GeneratedRegex("^[-+]?[0-9]+(_[0-9]+)*$")]
    private static partial Regex DecimalInt();

    [GeneratedRegex("^0x[0-9a-fA-F]+$")]
    private static partial Regex HexInt();

    [GeneratedRegex("^0o[0-7]+$")]
    private static partial Regex OctalInt();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(_[0-9]+)*(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^[-+]?\.(inf|Inf|INF)$")]
    private static partial Regex Infinity();

    [GeneratedRegex(@"^\.(nan|NaN|NAN)$")]
    private static partial Regex NotANumber();
}
