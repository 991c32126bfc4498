using System.Collections;
using System.Globalization;

namespace HoMM.Core.Algorithms;

/// <summary>
/// Reads an options dictionary (as a study file gives it: long, double, bool, string, lists and
/// mappings) against an <see cref="AlgorithmSpec"/>, collecting every error instead of stopping at
/// the first, and hands out typed values with the spec's defaults.
/// </summary>
internal sealed class OptionReader
{
    private readonly AlgorithmSpec _spec;
    private readonly IReadOnlyDictionary<string, object?> _options;

    public OptionReader(AlgorithmSpec spec, IReadOnlyDictionary<string, object?>? options)
    {
        _spec = spec;
        _options = options ?? new Dictionary<string, object?>();
        foreach (var name in _options.Keys)
        {
            if (spec.Option(name) is null)
            {
                var valid = spec.Options.Select(o => o.Name).ToList();
                var hint = Constraints.NameSuggestion.Closest(name, valid) is { } s ? $"; did you mean '{s}'?" : "";
                Errors.Add(new AlgorithmOptionError(name, valid.Count == 0
                    ? $"unknown option '{name}': {spec.Kind} takes no options"
                    : $"unknown option '{name}'{hint} (valid: {string.Join(", ", valid)})"));
            }
        }
        foreach (var option in spec.Options)
        {
            if (option.Required && !Has(option.Name))
                Errors.Add(new AlgorithmOptionError(option.Name, $"'{option.Name}' is required ({option.Meaning})"));
        }
    }

    public List<AlgorithmOptionError> Errors { get; } = [];

    public bool Has(string name) => _options.TryGetValue(name, out var v) && v is not null;

    public bool Bool(string name)
    {
        var spec = Spec(name);
        if (!_options.TryGetValue(name, out var raw) || raw is null)
            return (bool)spec.Default!;
        if (raw is bool b)
            return b;
        if (raw is string s && bool.TryParse(s, out var parsed))
            return parsed;
        return Fail(name, $"'{name}' must be true or false, not {Show(raw)}", (bool)spec.Default!);
    }

    public long? Int(string name)
    {
        var spec = Spec(name);
        if (!_options.TryGetValue(name, out var raw) || raw is null)
            return spec.Default is null or string ? null : Convert.ToInt64(spec.Default, CultureInfo.InvariantCulture);
        if (!TryInteger(raw, out var value))
            return Fail<long?>(name, $"'{name}' must be an integer, not {Show(raw)}", null);
        return CheckRange(spec, value) ? value : null;
    }

    /// <summary>An integer option that also accepts "auto" (returned as null).</summary>
    public long? IntOrAuto(string name)
    {
        if (_options.TryGetValue(name, out var raw) && raw is string s && s == "auto")
            return null;
        if ((!_options.TryGetValue(name, out raw) || raw is null) && Spec(name).Default is "auto")
            return null;
        if (raw is string other && !TryInteger(other, out _))
            return Fail<long?>(name, $"'{name}' must be an integer or \"auto\", not {Show(other)}", null);
        return Int(name);
    }

    public double? Float(string name)
    {
        var spec = Spec(name);
        if (!_options.TryGetValue(name, out var raw) || raw is null)
            return spec.Default is null ? null : Convert.ToDouble(spec.Default, CultureInfo.InvariantCulture);
        double value;
        switch (raw)
        {
            case double or float or decimal or long or int or short or byte or ulong or uint:
                value = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
                break;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                value = parsed;
                break;
            default:
                return Fail<double?>(name, $"'{name}' must be a number, not {Show(raw)}", null);
        }
        if (!double.IsFinite(value))
            return Fail<double?>(name, $"'{name}' must be a finite number, not {Show(raw)}", null);
        return CheckRange(spec, value) ? value : null;
    }

    public string Choice(string name)
    {
        var spec = Spec(name);
        if (!_options.TryGetValue(name, out var raw) || raw is null)
            return (string)spec.Default!;
        if (raw is string s && spec.Choices!.Contains(s))
            return s;
        return Fail(name, $"'{name}' must be one of {string.Join(", ", spec.Choices!)}, not {Show(raw)}", (string)spec.Default!);
    }

    /// <summary>A mapping option as a dictionary (null when absent).</summary>
    public IReadOnlyDictionary<string, object?>? Mapping(string name)
    {
        if (!_options.TryGetValue(name, out var raw) || raw is null)
            return null;
        if (AsMapping(raw) is { } map)
            return map;
        return Fail<IReadOnlyDictionary<string, object?>?>(name, $"'{name}' must be a mapping, not {Show(raw)}", null);
    }

    /// <summary>Parameter name → list of values (the grid's search_space).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<object>>? ValueLists(string name)
    {
        if (Mapping(name) is not { } map)
            return null;
        var result = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal);
        foreach (var (parameter, raw) in map)
        {
            if (raw is string || raw is not IEnumerable list)
            {
                Errors.Add(new AlgorithmOptionError(name, $"'{name}.{parameter}' must be a list of values, e.g. [0.001, 0.01, 0.1]"));
                continue;
            }
            var values = list.Cast<object?>().ToArray();
            if (values.Any(v => v is null))
            {
                Errors.Add(new AlgorithmOptionError(name, $"'{name}.{parameter}' lists an empty value"));
                continue;
            }
            result[parameter] = values!;
        }
        return result;
    }

    /// <summary>An exception's message without the " (Parameter 'x')" .NET appends: the user never named x.</summary>
    internal static string MessageOf(ArgumentException e) =>
        e.ParamName is { } p ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;

    internal static IReadOnlyDictionary<string, object?>? AsMapping(object raw) => raw switch
    {
        IReadOnlyDictionary<string, object?> d => d,
        IDictionary d => d.Keys.Cast<object>().ToDictionary(k => Convert.ToString(k, CultureInfo.InvariantCulture)!, k => d[k], StringComparer.Ordinal),
        _ => null,
    };

    private OptionSpec Spec(string name) =>
        _spec.Option(name) ?? throw new InvalidOperationException($"{_spec.Kind} declares no option '{name}'");

    private static bool TryInteger(object raw, out long value)
    {
        switch (raw)
        {
            case long or int or short or byte or uint:
                value = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                return true;
            case double d when d == Math.Floor(d) && Math.Abs(d) < 9e15:
                value = (long)d;
                return true;
            case string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                value = parsed;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    private bool CheckRange(OptionSpec spec, double value)
    {
        var belowMin = spec.MinExclusive ? value <= spec.Min : value < spec.Min;
        if (!belowMin && value <= spec.Max)
            return true;
        var range = (double.IsNegativeInfinity(spec.Min), double.IsPositiveInfinity(spec.Max)) switch
        {
            (false, true) => spec.MinExclusive ? $"> {Format(spec.Min)}" : $"≥ {Format(spec.Min)}",
            (true, false) => $"≤ {Format(spec.Max)}",
            _ => $"in [{Format(spec.Min)}, {Format(spec.Max)}]",
        };
        Errors.Add(new AlgorithmOptionError(spec.Name, $"'{spec.Name}' must be {range}, not {Format(value)} ({spec.Meaning})"));
        return false;
    }

    private T Fail<T>(string name, string message, T fallback)
    {
        Errors.Add(new AlgorithmOptionError(name, message));
        return fallback;
    }

    private static string Format(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Show(object raw) => raw switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => raw.GetType().Name,
    };
}
