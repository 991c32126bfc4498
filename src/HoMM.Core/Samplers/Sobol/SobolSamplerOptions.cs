namespace HoMM.Core.Samplers.Sobol;

/// <summary>Options of <see cref="SobolSampler"/>.</summary>
public sealed record SobolSamplerOptions
{
    /// <summary>
    /// Owen-scramble the sequence (random but still low-discrepancy, and free of the unscrambled
    /// sequence's corner points). Off gives the plain sequence, skipping its origin point.
    /// </summary>
    public bool Scramble { get; init; } = true;

    /// <summary>Seeds the scrambling.</summary>
    public int? Seed { get; init; }
}
