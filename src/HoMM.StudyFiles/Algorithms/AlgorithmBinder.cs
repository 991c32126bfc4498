using System.Globalization;
using HoMM.Core.Algorithms;
using HoMM.Core.Constraints;
using HoMM.StudyFiles.Binding;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Algorithms;

/// <summary><c>sampler</c> and <c>pruner</c>: <c>{kind: …, option: value, …}</c> checked against <see cref="AlgorithmCatalog"/>.</summary>
internal static class AlgorithmBinder
{
    // A patient pruner wrapping a patient pruner wrapping … stops here.
    private const int MaxWrapping = 4;

    public static SamplerDefinition? BindSampler(NodeReader r, YNode node, string path)
    {
        if (Bind(r, node, path, AlgorithmCatalog.Samplers, "sampler", "{kind: tpe, seed: 42, multivariate: true}") is not var (kind, options, _))
            return null;
        long? seed = options.Remove("seed", out var s) ? (long)s : null;
        if (kind == "tpe" && options.TryGetValue("group", out var g) && (bool)g
            && !(options.TryGetValue("multivariate", out var mv) && (bool)mv))
        {
            r.Error(((YMapping)node).Entry("group")!.Key, NodeReader.Child(path, "group"), "group: true needs multivariate: true; add it or remove group");
            return null;
        }
        var sampler = new SamplerDefinition(kind, seed, options);
        return Confirm(r, (YMapping)node, path, AlgorithmCatalog.ValidateSampler(sampler)) ? sampler : null;
    }

    /// <summary>
    /// Core's catalog has the last word: what passes here is what the engine builds. Our own checks
    /// came first to locate each problem; this catches rules across options we do not repeat.
    /// </summary>
    private static bool Confirm(NodeReader r, YMapping map, string path, IReadOnlyList<AlgorithmOptionError> errors)
    {
        foreach (var e in errors)
        {
            var (at, p) = e.Option is { } option && Locate(map, option) is { } node
                ? (node, NodeReader.Child(path, option))
                : ((YNode)map, path);
            r.Error(at, p, e.Message);
        }
        return errors.Count == 0;
    }

    /// <summary>The node of "pruner.patience"-style option paths, following nested mappings.</summary>
    private static YNode? Locate(YMapping map, string option)
    {
        var parts = option.Split('.');
        var current = map;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (current.Entry(parts[i])?.Value is not YMapping next)
                return null;
            current = next;
        }
        return current.Entry(parts[^1])?.Key;
    }

    public static PrunerDefinition? BindPruner(NodeReader r, YNode node, string path, int depth = 0)
    {
        if (depth > MaxWrapping)
        {
            r.Error(node, path, $"pruners are wrapped more than {MaxWrapping} levels deep");
            return null;
        }
        if (Bind(r, node, path, AlgorithmCatalog.Pruners, "pruner", "{kind: asha, min_resource: 1, reduction_factor: 3}", depth) is not var (kind, options, wrapped))
            return null;
        var map = (YMapping)node;
        if (kind == "threshold" && !options.ContainsKey("lower") && !options.ContainsKey("upper"))
        {
            r.Error(map, path, "a threshold pruner needs lower, upper or both (e.g. lower: 0.15 to stop trials whose accuracy stays below 15 %)");
            return null;
        }
        if (kind == "threshold" && options.TryGetValue("lower", out var lo) && options.TryGetValue("upper", out var hi) && (double)lo > (double)hi)
        {
            r.Error(map.Entry("lower")!.Key, NodeReader.Child(path, "lower"),
                string.Create(CultureInfo.InvariantCulture, $"lower ({lo}) must be ≤ upper ({hi})"));
            return null;
        }
        if (kind == "hyperband" && options.TryGetValue("min_resource", out var min) && options.TryGetValue("max_resource", out var max)
            && max is long maxSteps && (long)min > maxSteps)
        {
            r.Error(map.Entry("min_resource")!.Key, NodeReader.Child(path, "min_resource"),
                string.Create(CultureInfo.InvariantCulture, $"min_resource ({min}) must be ≤ max_resource ({max})"));
            return null;
        }
        var pruner = new PrunerDefinition(kind, options, wrapped);
        if (depth > 0 && pruner.Promotes)
        {
            r.Error(map.Entry("mode")!.Value, NodeReader.Child(path, "mode"), "a wrapped pruner cannot promote: mode: promote pauses trials itself; use it as the study's pruner");
            return null;
        }
        return depth > 0 || Confirm(r, map, path, AlgorithmCatalog.ValidatePruner(pruner)) ? pruner : null;
    }

    private static (string Kind, Dictionary<string, object> Options, PrunerDefinition? Wrapped)? Bind(
        NodeReader r, YNode node, string path, IReadOnlyList<AlgorithmSpec> catalog, string role, string example, int depth = 0)
    {
        if (node is YScalar { Resolved.Kind: ScalarKind.String } shorthand)
        {
            r.Error(node, path, $"write the {role} as a mapping with a kind, e.g. {role}: {{kind: {shorthand.Value}}}");
            return null;
        }
        if (r.Mapping(node, path, example) is not { } map)
            return null;
        var kindPath = NodeReader.Child(path, "kind");
        if (r.Required(map, "kind", path, $"which {role}: {string.Join(", ", AlgorithmCatalog.Names(catalog))}") is not { } kindNode
            || r.String(kindNode, kindPath, $"a {role} kind") is not { } kind)
        {
            return null;
        }
        var spec = AlgorithmCatalog.Find(catalog, kind);
        if (spec is null)
        {
            var suggestion = NameSuggestion.Closest(kind, AlgorithmCatalog.Names(catalog));
            r.Error(kindNode, kindPath, $"unknown {role} '{NodeReader.Printable(kind)}'" + (suggestion is null ? "." : $"; did you mean '{suggestion}'?") +
                                        $" Valid kinds: {string.Join(", ", catalog.Select(c => $"{c.Kind} ({c.Summary})"))}");
            return null;
        }
        var allowed = spec.Options.Select(o => o.Name).Prepend("kind").ToList();
        r.CheckKeys(map, path, allowed, key => Explain(key, spec, role, catalog));
        var options = new Dictionary<string, object>(StringComparer.Ordinal);
        PrunerDefinition? wrapped = null;
        var ok = map.Entries.All(e => allowed.Contains(e.Key.Value));
        foreach (var option in spec.Options)
        {
            var p = NodeReader.Child(path, option.Name);
            if (map[option.Name] is not { } value)
            {
                if (option.Required && !r.HasMisspelling(map, option.Name))
                {
                    r.Error(map, p, $"'{option.Name}' is missing: the {spec.Kind} {role} needs it ({option.Meaning})");
                    ok = false;
                }
                continue;
            }
            if (option.Type == OptionType.Pruner)
            {
                wrapped = BindPruner(r, value, p, depth + 1);
                ok &= wrapped is not null;
                continue;
            }
            if (Option(r, value, p, option) is { } v)
                options[option.Name] = v;
            else
                ok = false;
        }
        return ok ? (spec.Kind, options, wrapped) : null;
    }

    private static string? Explain(string key, AlgorithmSpec spec, string role, IReadOnlyList<AlgorithmSpec> catalog)
    {
        // An option of another kind: say which kind has it rather than only "unknown".
        var owners = catalog.Where(c => c.Option(key) is not null).Select(c => c.Kind).ToList();
        if (owners.Count == 0)
            return null;
        var valid = spec.Options.Count == 0 ? "it takes no options" : $"its options: {string.Join(", ", spec.Options.Select(o => o.Name))}";
        return $"'{key}' is an option of the {string.Join("/", owners)} {role}, not of {spec.Kind} ({valid})";
    }

    /// <summary>Parameter name → list of values (the grid's <c>search_space</c>); names and values are checked against the space later.</summary>
    private static Dictionary<string, IReadOnlyList<object>>? ValueLists(NodeReader r, YNode value, string path)
    {
        if (r.Mapping(value, path, "{lr: [0.001, 0.01], order: [1, 2]}") is not { } map)
            return null;
        var result = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, node) in map.Entries)
        {
            var p = NodeReader.Child(path, key.Value);
            if (r.Sequence(node, p, "[0.001, 0.01, 0.1]") is not { } seq)
            {
                ok = false;
                continue;
            }
            if (seq.Items.Count == 0)
            {
                r.Error(seq, p, "the list is empty; give the values to try");
                ok = false;
                continue;
            }
            var values = seq.Items.Select((item, i) => r.Value(item, NodeReader.Item(p, i), "a value")).ToList();
            if (values.Any(v => v is null))
            {
                ok = false;
                continue;
            }
            result[key.Value] = values!;
        }
        return ok ? result : null;
    }

    private static object? Option(NodeReader r, YNode value, string path, OptionSpec option)
    {
        switch (option.Type)
        {
            case OptionType.Bool:
                return r.Bool(value, path);
            case OptionType.Int:
                return r.Integer(value, path, (long)Math.Max(option.Min, -NodeReader.MaxExactInteger), (long)Math.Min(option.Max, NodeReader.MaxExactInteger));
            case OptionType.IntOrAuto when value is YScalar { Resolved.Kind: ScalarKind.String } s:
                if (s.Value == "auto")
                    return "auto";
                r.Error(value, path, $"expected an integer ≥ {option.Min} or auto, found {s.Describe()}");
                return null;
            case OptionType.IntOrAuto:
                return r.Integer(value, path, (long)Math.Max(option.Min, -NodeReader.MaxExactInteger), (long)Math.Min(option.Max, NodeReader.MaxExactInteger));
            case OptionType.Float:
                return r.Number(value, path, option.Min, option.MinExclusive, option.Max, false);
            case OptionType.ValueLists:
                return ValueLists(r, value, path);
            case OptionType.Choice:
                var text = r.String(value, path, $"one of {string.Join(", ", option.Choices!)}");
                if (text is null || option.Choices!.Contains(text))
                    return text;
                r.Error(value, path, $"'{NodeReader.Printable(text)}' is not valid; expected one of {string.Join(", ", option.Choices!)}");
                return null;
            default:
                throw new InvalidOperationException($"option type {option.Type} is bound elsewhere");
        }
    }
}
