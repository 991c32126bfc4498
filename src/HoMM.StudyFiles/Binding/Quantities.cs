using System.Globalization;
using System.Text.RegularExpressions;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Binding;

/// <summary>Durations ("10h", "1h30m") and counts with SI suffixes ("26M", "2.9G").</summary>
internal static partial class Quantities
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    /// <summary>A duration written as number-unit pairs: d, h, m, s (e.g. "10h", "90m", "1h30m", "1.5h").</summary>
    public static TimeSpan? Duration(NodeReader reader, YNode node, string path)
    {
        const string Valid = "a duration such as \"10h\", \"90m\", \"1h30m\" or \"45s\" (units d, h, m, s)";
        if (node is not YScalar s || s.Resolved.Kind is not (ScalarKind.String or ScalarKind.Int or ScalarKind.Float))
        {
            reader.Error(node, path, $"expected {Valid}, found {NodeReader.Describe(node)}");
            return null;
        }
        if (s.Resolved.IsNumber)
        {
            reader.Error(node, path, $"{s.Value} has no unit; write {Valid}");
            return null;
        }
        var text = s.Value.Trim();
        var matches = DurationPart().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            reader.Error(node, path, $"'{ScalarValue.Abbreviate(NodeReader.Printable(s.Value))}' is not a duration; expected {Valid}");
            return null;
        }
        var seconds = 0.0;
        foreach (Match m in matches)
        {
            var amount = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            seconds += amount * m.Groups[2].Value switch
            {
                "d" => 86400,
                "h" => 3600,
                "m" => 60,
                _ => 1,
            };
        }
        if (seconds <= 0)
        {
            reader.Error(node, path, $"the duration must be positive, but '{text}' is zero");
            return null;
        }
        if (seconds > MaxDuration.TotalSeconds)
        {
            reader.Error(node, path, $"'{text}' is longer than the limit of {MaxDuration.TotalDays} days");
            return null;
        }
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// A positive count such as a parameter or FLOP budget: an integer, a real ("2.9e9") or a number
    /// with a decimal suffix K (10^3), M (10^6), G (10^9), T (10^12): "26M", "2.9G".
    /// </summary>
    public static long? Count(NodeReader reader, YNode node, string path, double max)
    {
        const string Valid = "a positive number such as 26000000, 2.9e9, \"26M\" or \"2.9G\" (suffixes K, M, G, T)";
        double? value = null;
        if (node is YScalar s)
        {
            if (s.Resolved.IsNumber)
            {
                value = s.Resolved.Number;
            }
            else if (s.Resolved.Kind == ScalarKind.String && CountPattern().Match(s.Value.Trim()) is { Success: true } m)
            {
                value = double.Parse(m.Groups[1].Value.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture)
                        * m.Groups[2].Value.ToUpperInvariant() switch
                        {
                            "K" => 1e3,
                            "M" => 1e6,
                            "G" => 1e9,
                            "T" => 1e12,
                            _ => 1,
                        };
            }
        }
        if (value is not { } v)
        {
            var hint = node is YScalar { Value: var t } && t.EndsWith('m') ? " ('m' would be milli; write M for millions)" : "";
            reader.Error(node, path, $"expected {Valid}, found {NodeReader.Describe(node)}{hint}");
            return null;
        }
        if (!double.IsFinite(v) || v <= 0 || v > max)
        {
            reader.Error(node, path, string.Create(CultureInfo.InvariantCulture,
                $"{((YScalar)node).Value} is out of range: expected {Valid}, at most {max:0.##e0}"));
            return null;
        }
        return (long)Math.Round(v);
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(d|h|m|s)\s*")]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"^([0-9][0-9_]*(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)\s*([kKMGT]?)$")]
    private static partial Regex CountPattern();
}
