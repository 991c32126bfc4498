namespace HoMM.Core.Samplers.Nsga2;

/// <summary>Options of <see cref="Nsga2Sampler"/>; defaults as Optuna's NSGA-II.</summary>
public sealed record Nsga2SamplerOptions
{
    public int? Seed { get; init; }

    /// <summary>Trials per generation; the first generation is sampled at random.</summary>
    public int PopulationSize { get; init; } = 50;

    /// <summary>Chance that a child's parameter is redrawn at random; null: 1 / (number of parameters).</summary>
    public double? MutationProb { get; init; }

    /// <summary>Chance that a child mixes both parents; otherwise it copies the first.</summary>
    public double CrossoverProb { get; init; } = 0.9;

    /// <summary>Uniform crossover: the chance each parameter comes from the second parent.</summary>
    public double SwappingProb { get; init; } = 0.5;
}
