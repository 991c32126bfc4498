using HoMM.Core.Samplers;
using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>Options of <see cref="MedianPruner"/>; defaults are Optuna's.</summary>
public sealed record MedianPrunerOptions
{
    public int NStartupTrials { get; init; } = 5;

    public long NWarmupSteps { get; init; }

    public long IntervalSteps { get; init; } = 1;

    public int NMinTrials { get; init; } = 1;
}

/// <summary>Prunes a trial whose best value so far is worse than the median of completed trials at the same step.</summary>
public sealed class MedianPruner(MedianPrunerOptions? options = null) : IPruner
{
    private readonly PercentilePruner _inner = new(new PercentilePrunerOptions
    {
        Percentile = 50,
        NStartupTrials = (options ?? new()).NStartupTrials,
        NWarmupSteps = (options ?? new()).NWarmupSteps,
        IntervalSteps = (options ?? new()).IntervalSteps,
        NMinTrials = (options ?? new()).NMinTrials,
    });

    public bool ShouldPrune(IStudyView study, FrozenTrial trial) => _inner.ShouldPrune(study, trial);
}
