using System.Globalization;
using System.Text.RegularExpressions;
using HoMM.Core.Constraints;
using HoMM.Core.SearchSpace;
using HoMM.StudyFiles.Binding;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.SearchSpace;

/// <summary>
/// One declared parameter as the rest of the file's checks need it. <c>Spec</c> is null when the
/// declaration had errors (other checks then stay quiet about it).
/// </summary>
internal sealed record BoundParameter(string Name, YScalar Key, YNode Declaration, ParameterSpec? Spec, ValueKind Kind)
{
    /// <summary>False when the name itself was rejected; checks about the name then stay quiet.</summary>
    public bool NameIsValid { get; init; } = true;

    /// <summary>The node of one field of the declaration (e.g. "high"), or the name when absent, for precise error locations.</summary>
    public (YNode Node, string Path) Field(string field, string searchSpacePath) =>
        Declaration is YMapping m && m[field] is { } n
            ? (n, NodeReader.Child(NodeReader.Child(searchSpacePath, Name), field))
            : (Key, NodeReader.Child(searchSpacePath, Name));
}

internal sealed record BoundSearchSpace(IReadOnlyList<BoundParameter> Parameters)
{
    public BoundParameter? Find(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    public IReadOnlyDictionary<string, ValueKind> Kinds =>
        Parameters.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.Ordinal);

    public bool IsComplete => Parameters.All(p => p.Spec is not null);
}

/// <summary>
/// <c>search_space</c>: a mapping name → declaration, in order (parents before their conditional
/// children). Declarations: <c>{type: float|int, low, high, log, step, when}</c>,
/// <c>{type: categorical, choices, when}</c>, or a bare list as shorthand for categorical choices.
/// </summary>
internal static partial class SearchSpaceBinder
{
    public const int MaxChoices = 10_000;
    public const int MaxParameters = 1_000;

    private static readonly string[] Types = ["float", "int", "categorical"];
    private static readonly string[] NumericKeys = ["type", "low", "high", "log", "step", "when"];
    private static readonly string[] CategoricalKeys = ["type", "choices", "when"];
    private static readonly string[] AllKeys = ["type", "low", "high", "log", "step", "choices", "when"];

    private static readonly HashSet<string> ExpressionWords = new(StringComparer.Ordinal) { "and", "or", "not", "true", "false", "True", "False" };

    public static BoundSearchSpace Bind(NodeReader r, YNode node, string path)
    {
        var result = new List<BoundParameter>();
        if (r.Mapping(node, path, "{lr: {type: float, low: 1e-4, high: 1e-2, log: true}}") is not { } map)
            return new BoundSearchSpace(result);
        if (map.Entries.Count == 0)
        {
            r.Error(map, path, "the search space is empty; declare at least one parameter, e.g. lr: {type: float, low: 1e-4, high: 1e-2, log: true}");
            return new BoundSearchSpace(result);
        }
        if (map.Entries.Count > MaxParameters)
        {
            r.Error(map, path, $"the search space declares {map.Entries.Count} parameters; the limit is {MaxParameters}");
            return new BoundSearchSpace(result);
        }
        foreach (var (key, value) in map.Entries)
        {
            var p = NodeReader.Child(path, key.Value);
            var nameOk = CheckName(r, key, p);
            var (spec, kind) = BindParameter(r, key.Value, value, p, result, map);
            result.Add(new BoundParameter(key.Value, key, value, nameOk ? spec : null, kind) { NameIsValid = nameOk });
        }
        return new BoundSearchSpace(result);
    }

    private static bool CheckName(NodeReader r, YScalar key, string path)
    {
        if (!ParameterName().IsMatch(key.Value))
        {
            r.Error(key, path, $"'{NodeReader.Printable(key.Value)}'{NodeReader.CharacterNote(key.Value)} is not a valid parameter name; use ASCII letters, digits and '_' " +
                               "(starting with a letter or '_', at most 64 characters), so constraints and {placeholders} can name it");
            return false;
        }
        if (ExpressionWords.Contains(key.Value))
        {
            r.Error(key, path, $"'{key.Value}' is a word of constraint expressions (and, or, not, true, false); choose another name");
            return false;
        }
        return true;
    }

    private static (ParameterSpec? Spec, ValueKind Kind) BindParameter(NodeReader r, string name, YNode node, string path, List<BoundParameter> earlier, YMapping all)
    {
        if (node is YSequence shorthand)
        {
            var choices = Choices(r, shorthand, path);
            return choices is null ? (null, ValueKind.Any) : Create(r, node, path, name, () => new CategoricalDistribution(choices), null, KindOf(choices));
        }
        if (r.Mapping(node, path, "{type: float, low: 0.0, high: 0.5}") is not { } map)
            return (null, ValueKind.Any);

        var typeNode = map["type"];
        string? type = null;
        if (typeNode is not null)
        {
            type = r.String(typeNode, NodeReader.Child(path, "type"), "float, int or categorical");
            if (type is not null && !Types.Contains(type))
            {
                r.Error(typeNode, NodeReader.Child(path, "type"), $"unknown type '{NodeReader.Printable(type)}'{TypeHint(type)} Valid types: float, int, categorical");
                type = null;
            }
            if (type is null)
            {
                r.CheckKeys(map, path, AllKeys);
                return (null, ValueKind.Any);
            }
        }
        else if (map["choices"] is not null)
        {
            type = "categorical";
        }
        else
        {
            r.Error(map, NodeReader.Child(path, "type"), "'type' is missing: float, int or categorical (e.g. {type: float, low: 1e-4, high: 1e-2, log: true})");
            r.CheckKeys(map, path, AllKeys);
            return (null, ValueKind.Any);
        }

        r.CheckKeys(map, path, type == "categorical" ? CategoricalKeys : NumericKeys, key => key switch
        {
            "choices" => $"'choices' belongs to categorical parameters, but this one is {type}; use low and high, or type: categorical",
            "low" or "high" or "log" or "step" => $"'{key}' belongs to float and int parameters; a categorical parameter lists its values in 'choices'",
            _ => null,
        });

        var condition = map["when"] is { } whenNode ? BindCondition(r, whenNode, NodeReader.Child(path, "when"), name, earlier, all) : null;
        var conditionFailed = map["when"] is not null && condition is null;

        (ParameterSpec?, ValueKind) result = type switch
        {
            "categorical" => BindCategorical(r, map, path, name, condition),
            "int" => BindInt(r, map, path, name, condition),
            _ => BindFloat(r, map, path, name, condition),
        };
        return conditionFailed ? (null, result.Item2) : result;
    }

    private static (ParameterSpec?, ValueKind) BindFloat(NodeReader r, YMapping map, string path, string name, Condition? when)
    {
        var low = r.Required(map, "low", path, "the smallest value (e.g. low: 1e-4)") is { } lowNode ? r.Number(lowNode, NodeReader.Child(path, "low")) : null;
        var high = r.Required(map, "high", path, "the largest value (e.g. high: 1e-2)") is { } highNode ? r.Number(highNode, NodeReader.Child(path, "high")) : null;
        var log = map["log"] is { } logNode ? r.Bool(logNode, NodeReader.Child(path, "log")) : false;
        double? step = null;
        var stepOk = true;
        if (map["step"] is { } stepNode)
        {
            step = r.Number(stepNode, NodeReader.Child(path, "step"), 0, true, double.PositiveInfinity, false);
            stepOk = step is not null;
        }
        if (low is not { } lo || high is not { } hi || log is not { } isLog || !stepOk)
            return (null, ValueKind.Number);
        if (!CheckRange(r, map, path, lo, hi, isLog, step is not null, "1e-4"))
            return (null, ValueKind.Number);
        if (!double.IsFinite(hi - lo))
        {
            r.Error(map["high"]!, NodeReader.Child(path, "high"), "high − low overflows; narrow the range");
            return (null, ValueKind.Number);
        }
        if (step is { } s)
        {
            var n = (hi - lo) / s;
            if (s > hi - lo && hi > lo)
            {
                r.Warning(map["step"]!, NodeReader.Child(path, "step"),
                    string.Create(CultureInfo.InvariantCulture, $"step {s} is larger than high − low ({hi - lo}); only low ({lo}) can be sampled"));
            }
            else if (Math.Abs(n - Math.Round(n)) > 1e-9 * Math.Max(1, n))
            {
                var top = lo + (Math.Floor(n + 1e-9) * s);
                r.Warning(map["high"]!, NodeReader.Child(path, "high"),
                    string.Create(CultureInfo.InvariantCulture, $"high ({hi}) is not on the grid low + k·step; the largest value sampled will be {top:G10}"));
            }
            if (n > 1e9)
                r.Warning(map["step"]!, NodeReader.Child(path, "step"), $"step {s} makes more than a billion grid points; a plain float range is simpler");
        }
        return Create(r, map, path, name, () => new FloatDistribution(lo, hi, isLog, step), when, ValueKind.Number);
    }

    private static (ParameterSpec?, ValueKind) BindInt(NodeReader r, YMapping map, string path, string name, Condition? when)
    {
        var low = r.Required(map, "low", path, "the smallest value (e.g. low: 1)") is { } lowNode ? r.Integer(lowNode, NodeReader.Child(path, "low")) : null;
        var high = r.Required(map, "high", path, "the largest value (e.g. high: 8)") is { } highNode ? r.Integer(highNode, NodeReader.Child(path, "high")) : null;
        var log = map["log"] is { } logNode ? r.Bool(logNode, NodeReader.Child(path, "log")) : false;
        long? step = 1;
        if (map["step"] is { } stepNode)
            step = r.Integer(stepNode, NodeReader.Child(path, "step"), 1, NodeReader.MaxExactInteger);
        if (low is not { } lo || high is not { } hi || log is not { } isLog || step is not { } s)
            return (null, ValueKind.Number);
        if (!CheckRange(r, map, path, lo, hi, isLog, s != 1, "1"))
            return (null, ValueKind.Number);
        if (isLog && lo < 1)
            return (null, ValueKind.Number);
        if ((hi - lo) % s != 0)
        {
            r.Warning(map["high"]!, NodeReader.Child(path, "high"),
                string.Create(CultureInfo.InvariantCulture, $"high ({hi}) is not on the grid low + k·step; the largest value sampled will be {lo + ((hi - lo) / s * s)}"));
        }
        return Create(r, map, path, name, () => new IntDistribution(lo, hi, isLog, s), when, ValueKind.Number);
    }

    /// <summary>low ≤ high; a log scale needs low &gt; 0 and no step.</summary>
    private static bool CheckRange(NodeReader r, YMapping map, string path, double lo, double hi, bool log, bool hasStep, string example)
    {
        var ok = true;
        if (lo > hi)
        {
            r.Error(map["low"]!, NodeReader.Child(path, "low"),
                string.Create(CultureInfo.InvariantCulture, $"low ({lo}) must be ≤ high ({hi}); swap them"));
            ok = false;
        }
        if (log && lo <= 0)
        {
            r.Error(map["low"]!, NodeReader.Child(path, "low"),
                string.Create(CultureInfo.InvariantCulture, $"low ({lo}) must be > 0 when log: true (e.g. low: {example}), or drop log"));
            ok = false;
        }
        if (log && hasStep)
        {
            r.Error(map["step"]!, NodeReader.Child(path, "step"), "step cannot be combined with log: true; remove one of them");
            ok = false;
        }
        return ok;
    }

    private static (ParameterSpec?, ValueKind) BindCategorical(NodeReader r, YMapping map, string path, string name, Condition? when)
    {
        if (r.Required(map, "choices", path, "the values to choose from (e.g. choices: [cls, mean])") is not { } choicesNode)
            return (null, ValueKind.Any);
        if (r.Sequence(choicesNode, NodeReader.Child(path, "choices"), "[cls, mean]") is not { } seq)
            return (null, ValueKind.Any);
        var choices = Choices(r, seq, NodeReader.Child(path, "choices"));
        return choices is null
            ? (null, ValueKind.Any)
            : Create(r, map, path, name, () => new CategoricalDistribution(choices), when, KindOf(choices));
    }

    private static List<object>? Choices(NodeReader r, YSequence seq, string path)
    {
        if (seq.Items.Count == 0)
        {
            r.Error(seq, path, "the list of choices is empty; give at least one value, e.g. [cls, mean]");
            return null;
        }
        if (seq.Items.Count > MaxChoices)
        {
            r.Error(seq, path, $"{seq.Items.Count} choices is more than the limit of {MaxChoices}; use an int or float range instead");
            return null;
        }
        var choices = new List<object>();
        var ok = true;
        for (var i = 0; i < seq.Items.Count; i++)
        {
            var item = seq.Items[i];
            var p = NodeReader.Item(path, i);
            if (item is not YScalar || (item is YScalar s && s.Resolved.Kind == ScalarKind.Null))
            {
                r.Error(item, p, $"a choice must be a string, a number or true/false, found {item.Describe()}");
                ok = false;
                continue;
            }
            if (r.Value(item, p, "a choice") is not { } v)
            {
                ok = false;
                continue;
            }
            var duplicateOf = choices.FindIndex(c => SameChoice(c, v));
            if (duplicateOf >= 0)
            {
                r.Error(item, p, $"the choice {Show(v)} repeats choice {duplicateOf} ({Show(choices[duplicateOf])}); choices must be distinct");
                ok = false;
                continue;
            }
            choices.Add(v);
        }
        return ok ? choices : null;
    }

    private static bool SameChoice(object a, object b) => (a, b) switch
    {
        (string x, string y) => x == y,
        (bool x, bool y) => x == y,
        (long or double, long or double) => Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture),
        _ => false,
    };

    public static string Show(object? v) => v switch
    {
        string s => $"'{NodeReader.Printable(s)}'",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v?.ToString() ?? "null",
    };

    private static ValueKind KindOf(IReadOnlyList<object> choices)
    {
        if (choices.All(c => c is long or double))
            return ValueKind.Number;
        if (choices.All(c => c is string))
            return ValueKind.String;
        return choices.All(c => c is bool) ? ValueKind.Bool : ValueKind.Any;
    }

    /// <summary>
    /// <c>when: {parent: value}</c> or <c>when: {parent: [v1, v2]}</c>: the parent must be declared
    /// earlier and every value must be one the parent can take.
    /// </summary>
    private static Condition? BindCondition(NodeReader r, YNode node, string path, string name, List<BoundParameter> earlier, YMapping all)
    {
        if (r.Mapping(node, path, "{optimizer: sgd}") is not { } map)
            return null;
        if (map.Entries.Count != 1)
        {
            r.Error(map, path, map.Entries.Count == 0
                ? "'when' is empty; name the parent parameter and its value(s), e.g. when: {optimizer: sgd}"
                : $"'when' names {map.Entries.Count} parents; a parameter depends on one parent (e.g. when: {{optimizer: [sgd, nesterov]}})");
            return null;
        }
        var (parentKey, valuesNode) = map.Entries[0];
        var parentName = parentKey.Value;
        var p = NodeReader.Child(path, parentName);
        if (parentName == name)
        {
            r.Error(parentKey, p, $"'{name}' cannot depend on itself");
            return null;
        }
        var parent = earlier.FirstOrDefault(e => e.Name == parentName);
        if (parent is null && all.Entry(parentName) is { } later)
        {
            r.Error(parentKey, p, $"'{parentName}' is declared after '{name}' (line {later.Key.Mark.Line}); move '{parentName}' above '{name}': a parent comes before the parameters that depend on it");
            return null;
        }
        if (parent is null)
        {
            var hint = NameSuggestion.Closest(parentName, earlier.Select(e => e.Name));
            r.Error(parentKey, p, $"'{NodeReader.Printable(parentName)}' is not a parameter of the search space" +
                                  (hint is null ? "." : $"; did you mean '{hint}'?") +
                                  $" Declare it (above '{name}') or name one of: {string.Join(", ", all.Entries.Select(e => e.Key.Value).Where(n => n != name))}");
            return null;
        }
        var items = valuesNode is YSequence seq ? seq.Items : [valuesNode];
        if (items.Count == 0)
        {
            r.Error(valuesNode, p, $"no values given; list the value(s) of '{parentName}' for which '{name}' exists");
            return null;
        }
        var values = new List<object>();
        for (var i = 0; i < items.Count; i++)
        {
            var ip = valuesNode is YSequence ? NodeReader.Item(p, i) : p;
            if (r.Value(items[i], ip, $"a value of '{parentName}'") is not { } v)
                return null;
            if (parent.Spec is { } ps && !InDomain(ps.Distribution, v))
            {
                r.Error(items[i], ip, $"{Show(v)} is not a value '{parentName}' can take ({ps.Distribution}); '{name}' would never be sampled");
                return null;
            }
            values.Add(v);
        }
        return new Condition(parentName, values);
    }

    /// <summary>Whether a user-written value is one the distribution can produce (Core's rule, <see cref="ParameterValues"/>).</summary>
    public static bool InDomain(Distribution distribution, object value) =>
        ParameterValues.TryNormalize(distribution, value, out _, out _);

    private static (ParameterSpec?, ValueKind) Create(NodeReader r, YNode at, string path, string name, Func<Distribution> make, Condition? when, ValueKind kind)
    {
        try
        {
            return (new ParameterSpec(name, make(), when), kind);
        }
        catch (ArgumentException e)
        {
            // The checks above mirror the distributions' own; this keeps any rule they add later from escaping as a crash.
            r.Error(at, path, $"invalid parameter: {e.Message}");
            return (null, kind);
        }
    }

    private static string TypeHint(string type) => type.ToUpperInvariant() switch
    {
        "INTEGER" or "INT64" or "LONG" or "INT32" => "; did you mean 'int'?",
        "DOUBLE" or "REAL" or "NUMBER" or "FLOAT64" or "UNIFORM" or "LOGUNIFORM" => "; did you mean 'float'?",
        "CHOICE" or "CHOICES" or "ENUM" or "CATEGORY" or "CAT" => "; did you mean 'categorical'?",
        _ => NameSuggestion.Closest(type, Types) is { } s ? $"; did you mean '{s}'?" : ".",
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ParameterName();
}
