using HoMM.Core.Algorithms;
using HoMM.Core.Pruners;
using HoMM.Core.Samplers;

namespace HoMM.StudyFiles.Algorithms;

/// <summary>
/// The sampler and pruner kinds a study file may name, with their options: Core's catalogs, so
/// what validates is exactly what the engine can build. The one place study files meet them.
/// </summary>
internal static class AlgorithmCatalog
{
    public static IReadOnlyList<AlgorithmSpec> Samplers => SamplerCatalog.Kinds;

    public static IReadOnlyList<AlgorithmSpec> Pruners => PrunerCatalog.Kinds;

    public static AlgorithmSpec? Find(IReadOnlyList<AlgorithmSpec> catalog, string kind) =>
        catalog.FirstOrDefault(a => a.Names.Contains(kind));

    public static IEnumerable<string> Names(IReadOnlyList<AlgorithmSpec> catalog) => catalog.SelectMany(a => a.Names);

    /// <summary>Core's final say (rules across options); empty when the engine will build it.</summary>
    public static IReadOnlyList<AlgorithmOptionError> ValidateSampler(SamplerDefinition sampler)
    {
        var options = sampler.Options.ToDictionary(o => o.Key, o => (object?)o.Value, StringComparer.Ordinal);
        if (sampler.Seed is { } seed)
            options["seed"] = seed;
        return SamplerCatalog.Validate(sampler.Kind, options);
    }

    public static IReadOnlyList<AlgorithmOptionError> ValidatePruner(PrunerDefinition pruner) =>
        PrunerCatalog.Validate(pruner.Kind, Options(pruner));

    /// <summary>A pruner as Core's catalog reads it: a wrapped pruner is the mapping under <c>pruner</c>.</summary>
    internal static Dictionary<string, object?> Options(PrunerDefinition pruner)
    {
        var options = pruner.Options.ToDictionary(o => o.Key, o => (object?)o.Value, StringComparer.Ordinal);
        if (pruner.Wrapped is { } inner)
        {
            var nested = Options(inner);
            nested["kind"] = inner.Kind;
            options["pruner"] = nested;
        }
        return options;
    }
}
