using System.Globalization;
using System.Text.RegularExpressions;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Binding;

/// <summary>Durations ("10h", "1h30m"), counts with SI suffixes ("26M", "2.9G") and sizes in bytes ("50MB", "1GiB").</summary>
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

    /// <summary>
    /// A size in bytes from <paramref name="min"/> to <paramref name="max"/>: a whole number of bytes, or
    /// a number with a unit, decimal (KB, MB, GB: 10^3, 10^6, 10^9) or binary (KiB, MiB, GiB: 2^10, 2^20, 2^30).
    /// </summary>
    public static long? Bytes(NodeReader reader, YNode node, string path, long min, long max)
    {
        const string Valid = "a size such as \"50MB\", \"512KiB\" or \"1GB\" (units B, KB, MB, GB, KiB, MiB, GiB)";
        double? value = null;
        if (node is YScalar s)
        {
            if (s.Resolved.Kind == ScalarKind.Int)
            {
                value = s.Resolved.Number;
            }
            else if (s.Resolved.Kind == ScalarKind.String && SizePattern().Match(s.Value.Trim()) is { Success: true } m)
            {
                value = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture)
                        * m.Groups[2].Value.ToUpperInvariant() switch
                        {
                            "KB" => 1e3,
                            "MB" => 1e6,
                            "GB" => 1e9,
                            "KIB" => 1L << 10,
                            "MIB" => 1L << 20,
                            "GIB" => 1L << 30,
                            _ => 1,
                        };
            }
        }
        if (value is not { } v)
        {
            reader.Error(node, path, $"expected {Valid}, found {NodeReader.Describe(node)}");
            return null;
        }
        if (!double.IsFinite(v) || v < min || v > max)
        {
            reader.Error(node, path, $"{((YScalar)node).Value} is out of range: expected {FormatBytes(min)} to {FormatBytes(max)}");
            return null;
        }
        return (long)Math.Round(v);
    }

    /// <summary>A size as people read it: "50 MiB", "64 KiB", "1.5 GiB", "900 B".</summary>
    public static string FormatBytes(long bytes)
    {
        var (value, unit) = bytes switch
        {
            >= 1L << 40 => (bytes / (double)(1L << 40), "TiB"),
            >= 1L << 30 => (bytes / (double)(1L << 30), "GiB"),
            >= 1L << 20 => (bytes / (double)(1L << 20), "MiB"),
            >= 1L << 10 => (bytes / (double)(1L << 10), "KiB"),
            _ => (bytes, "B"),
        };
        return value.ToString("0.#", CultureInfo.InvariantCulture) + " " + unit;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]*)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(d|h|m|s)\s*")]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"^([0-9][0-9_]*(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)\s*([kKMGT]?)$")]
    private static partial Regex CountPattern();
}
