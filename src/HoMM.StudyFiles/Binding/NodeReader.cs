using System.Globalization;
using HoMM.Core.Constraints;
using HoMM.StudyFiles.Diagnostics;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Binding;

/// <summary>
/// Typed access to the YAML tree that reports every mismatch (with position, field path and what
/// would be valid) and returns null instead of throwing, so one pass finds all the problems.
/// </summary>
internal sealed class NodeReader(DiagnosticBag bag)
{
    /// <summary>Integers beyond 2^53 lose precision as doubles, which is how samplers see every value.</summary>
    public const long MaxExactInteger = 1L << 53;

    /// <summary>Reals beyond this overflow when ranges are subtracted or scaled; no hyperparameter comes near.</summary>
    public const double MaxMagnitude = 1e300;

    public DiagnosticBag Bag { get; } = bag;

    /// <summary>The valid keys of each mapping checked so far, to tell misspellings from valid siblings.</summary>
    private readonly Dictionary<YMapping, IReadOnlyCollection<string>> _allowedKeys = new(ReferenceEqualityComparer.Instance);

    public static string Child(string path, string key) => path.Length == 0 ? Printable(key) : $"{path}.{Printable(key)}";

    public static string Item(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    public void Error(YNode node, string path, string message) => Bag.Error(node.Mark, path, message);

    public void Error(SourceMark at, string path, string message) => Bag.Error(at, path, message);

    public void Warning(YNode node, string path, string message) => Bag.Warning(node.Mark, path, message);

    public YMapping? Mapping(YNode node, string path, string example)
    {
        if (node is YMapping m)
            return m;
        Error(node, path, $"expected a mapping of keys to values (e.g. {example}), found {node.Describe()}");
        return null;
    }

    public YSequence? Sequence(YNode node, string path, string example)
    {
        if (node is YSequence s)
            return s;
        Error(node, path, $"expected a list (e.g. {example}), found {node.Describe()}");
        return null;
    }

    /// <summary>Reports keys that are not in <paramref name="allowed"/>, suggesting the closest valid one.</summary>
    public void CheckKeys(YMapping map, string path, IReadOnlyCollection<string> allowed, Func<string, string?>? explain = null)
    {
        _allowedKeys[map] = allowed;
        foreach (var entry in map.Entries)
        {
            var key = entry.Key.Value;
            if (allowed.Contains(key))
                continue;
            var specific = explain?.Invoke(key);
            var message = specific ?? UnknownKeyMessage(key, allowed);
            Error(entry.Key, Child(path, key), message);
        }
    }

    public static string UnknownKeyMessage(string key, IReadOnlyCollection<string> allowed)
    {
        var cleaned = new string(key.Where(c => !IsInvisible(c)).ToArray());
        var suggestion = allowed.Contains(cleaned) ? cleaned : NameSuggestion.Closest(cleaned, allowed);
        var message = $"unknown key '{Printable(key)}'{CharacterNote(key)}";
        message += suggestion is null ? "." : $"; did you mean '{suggestion}'?";
        return message + $" Valid keys here: {string.Join(", ", allowed)}";
    }

    /// <summary>Why a name that looks right is not: an invisible or non-ASCII character in it.</summary>
    public static string CharacterNote(string name)
    {
        var invisible = name.FirstOrDefault(IsInvisible);
        if (invisible != '\0')
            return string.Create(CultureInfo.InvariantCulture, $" (it contains the invisible character U+{(int)invisible:X4})");
        return name.Any(c => c > 127) ? " (it contains non-ASCII characters; names are plain ASCII)" : "";
    }

    private static bool IsInvisible(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.SpaceSeparator
        || c == '\u00a0';

    /// <summary>Shows invisible and control characters as \uXXXX so messages never hide them.</summary>
    public static string Printable(string s) =>
        string.Concat(s.Select(c => IsInvisible(c) && c != ' ' ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : c.ToString()));

    public YNode? Required(YMapping map, string key, string path, string what)
    {
        var node = map[key];
        if (node is null && !HasMisspelling(map, key))
            Error(map, Child(path, key), $"'{key}' is missing: {what}");
        return node;
    }

    /// <summary>
    /// True when <paramref name="map"/> (already checked by <see cref="CheckKeys"/>) has an unknown
    /// key whose suggestion is <paramref name="key"/>: that error already says "did you mean",
    /// so "missing" would only repeat it. ("log" next to a missing "low" is valid, not a misspelling.)
    /// </summary>
    public bool HasMisspelling(YMapping map, string key) =>
        map[key] is null && _allowedKeys.TryGetValue(map, out var allowed)
        && map.Entries.Any(e => !allowed.Contains(e.Key.Value) && NameSuggestion.Closest(e.Key.Value, allowed) == key);

    public string? String(YNode node, string path, string what)
    {
        if (node is YScalar s && s.Resolved.Kind == ScalarKind.String)
            return s.Value;
        if (node is YScalar { Resolved.Kind: ScalarKind.Int or ScalarKind.Float or ScalarKind.Bool } n)
        {
            // A number or boolean where text is wanted is almost always meant as text: say how to write it.
            Error(node, path, $"expected {what}, found {n.Describe()}; put it in quotes to make it text ('{n.Value}')");
            return null;
        }
        Error(node, path, $"expected {what}, found {Describe(node)}");
        return null;
    }

    public bool? Bool(YNode node, string path)
    {
        if (node is YScalar { Resolved.Kind: ScalarKind.Bool } s)
            return s.Resolved.Bool;
        var hint = node is YScalar { Value: "yes" or "no" or "on" or "off" or "y" or "n" or "Yes" or "No" } ? " (YAML 1.2 reads yes/no/on/off as text)" : "";
        Error(node, path, $"expected true or false, found {Describe(node)}{hint}");
        return null;
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long? Integer(YNode node, string path, long min = -MaxExactInteger, long max = MaxExactInteger)
    {
        if (node is not YScalar s)
        {
            Error(node, path, $"expected an integer{Range(min, max)}, found {node.Describe()}");
            return null;
        }
        var v = s.Resolved;
        switch (v.Kind)
        {
            case ScalarKind.Int when v.Int < min || v.Int > max:
                Error(node, path, $"{v.Text} is out of range: expected an integer{Range(min, max)}");
                return null;
            case ScalarKind.Int:
                return v.Int;
            case ScalarKind.Float when Math.Floor(v.Number) == v.Number && Math.Abs(v.Number) <= MaxExactInteger:
                Error(node, path, string.Create(CultureInfo.InvariantCulture,
                    $"expected an integer{Range(min, max)}, found the number {v.Text}; write it as {(long)v.Number}"));
                return null;
            default:
                Error(node, path, $"expected an integer{Range(min, max)}, found {Describe(node)}");
                return null;
        }
    }

    /// <summary>A finite number (integer or real) no larger in magnitude than <see cref="MaxMagnitude"/>.</summary>
    public double? Number(YNode node, string path, string what = "a number")
    {
        if (node is YScalar s && s.Resolved.IsNumber)
        {
            var x = s.Resolved.Number;
            if (Math.Abs(x) <= MaxMagnitude)
                return x;
            Error(node, path, $"{s.Value} is too large in magnitude; {what} must lie within ±1e300");
            return null;
        }
        Error(node, path, $"expected {what}, found {Describe(node)}");
        return null;
    }

    /// <summary>A number within bounds; the message names the bounds.</summary>
    public double? Number(YNode node, string path, double min, bool minExclusive, double max, bool maxExclusive)
    {
        if (Number(node, path) is not { } x)
            return null;
        var tooLow = minExclusive ? x <= min : x < min;
        var tooHigh = maxExclusive ? x >= max : x > max;
        if (!tooLow && !tooHigh)
            return x;
        Error(node, path, $"{((YScalar)node).Value} is out of range: expected a number {Bounds(min, minExclusive, max, maxExclusive)}");
        return null;
    }

    /// <summary>Describes a node, with a special word for values that look like numbers but cannot be.</summary>
    public static string Describe(YNode node) => node switch
    {
        YScalar { Resolved: { Kind: ScalarKind.Invalid, Problem: { } p } } => p,
        YScalar { Resolved.Kind: ScalarKind.String, Value: var t } s when s.IsPlain
            && t.ToUpperInvariant() is "NAN" or "INF" or "-INF" or "+INF" or "INFINITY" or "-INFINITY" =>
            $"'{t}'; only finite numbers are allowed",
        YScalar { Resolved.Kind: ScalarKind.String, IsPlain: false } s when s.Value.Length > 0
            && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) =>
            $"the quoted text '{s.Value}'; remove the quotes to make it a number",
        _ => node.Describe(),
    };

    public static string Range(long min, long max) => (min, max) switch
    {
        (-MaxExactInteger, MaxExactInteger) => "",
        (_, MaxExactInteger) or (_, long.MaxValue) => string.Create(CultureInfo.InvariantCulture, $" ≥ {min}"),
        _ => string.Create(CultureInfo.InvariantCulture, $" from {min} to {max}"),
    };

    public static string Bounds(double min, bool minExclusive, double max, bool maxExclusive) =>
        HoMM.TrainerSettings.SettingSpec.FormatBounds(min, minExclusive, max, maxExclusive);

    /// <summary>The value of a scalar as the trainer and samplers see it: long, double, bool or string.</summary>
    public object? Value(YNode node, string path, string what)
    {
        if (node is YScalar s)
        {
            var v = s.Resolved;
            switch (v.Kind)
            {
                case ScalarKind.Int when Math.Abs(v.Int) <= MaxExactInteger:
                    return v.Int;
                case ScalarKind.Float when Math.Abs(v.Number) <= MaxMagnitude:
                    return v.Number;
                case ScalarKind.Bool:
                    return v.Bool;
                case ScalarKind.String:
                    return v.Text;
                case ScalarKind.Int or ScalarKind.Float:
                    Error(node, path, $"{v.Text} is too large; {what} must lie within ±2^53 for integers and ±1e300 for reals");
                    return null;
                default:
                    break;
            }
        }
        Error(node, path, $"expected {what}, found {Describe(node)}");
        return null;
    }
}
