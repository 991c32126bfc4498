namespace HoMM.Core.Samplers.Grid;

/// <summary>Options of <see cref="GridSampler"/>.</summary>
public sealed record GridSamplerOptions
{
    /// <summary>
    /// The values to try per parameter (external values, as in the study file). Parameters left
    /// out use every value of their distribution, which must then be finite: categorical, integer,
    /// or float with a step. Optuna's <c>search_space</c> argument.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<object>>? SearchSpace { get; init; }

    /// <summary>Seeds the order in which unvisited points are tried.</summary>
    public int? Seed { get; init; }

    /// <summary>A grid larger than this is refused: it would never finish.</summary>
    public long MaxGridPoints { get; init; } = 1_000_000;
}
