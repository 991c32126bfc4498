namespace HoMM.Core.Samplers.Gp;

/// <summary>Settings of <see cref="GpSampler"/>.</summary>
public sealed record GpSamplerOptions
{
    /// <summary>Trials sampled by the independent sampler before the Gaussian process takes over.</summary>
    public int NStartupTrials { get; init; } = 10;

    /// <summary>Seed of every random choice; null draws one at construction.</summary>
    public int? Seed { get; init; }

    /// <summary>The objective returns the same value for the same parameters: no noise is fitted.</summary>
    public bool DeterministicObjective { get; init; }

    /// <summary>Random candidates scored before local refinement.</summary>
    public int CandidateCount { get; init; } = 1024;

    /// <summary>Best candidates refined by gradient ascent and a discrete neighbourhood search.</summary>
    public int LocalSearchStarts { get; init; } = 5;

    /// <summary>Samples conditional parameters, and every parameter during start-up; null for a <see cref="RandomSampler"/> with a seed derived from <see cref="Seed"/>.</summary>
    public ISampler? IndependentSampler { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(NStartupTrials, nameof(NStartupTrials));
        ArgumentOutOfRangeException.ThrowIfLessThan(CandidateCount, 1, nameof(CandidateCount));
        ArgumentOutOfRangeException.ThrowIfNegative(LocalSearchStarts, nameof(LocalSearchStarts));
    }
}
