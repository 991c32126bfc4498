using HoMM.Core.Samplers;
using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>Options of <see cref="ThresholdPruner"/>: at least one of <see cref="Lower"/> and <see cref="Upper"/>.</summary>
public sealed record ThresholdPrunerOptions
{
    /// <summary>Prune when the latest value falls below this.</summary>
    public double? Lower { get; init; }

    /// <summary>Prune when the latest value rises above this.</summary>
    public double? Upper { get; init; }

    public long NWarmupSteps { get; init; }

    public long IntervalSteps { get; init; } = 1;
}

/// <summary>
/// Prunes a trial whose latest intermediate value is outside [Lower, Upper] or NaN: a guard
/// against divergence (loss exploding or becoming NaN) rather than a comparison with other trials.
/// </summary>
public sealed class ThresholdPruner : IPruner
{
    public ThresholdPruner(ThresholdPrunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Lower is null && options.Upper is null)
            throw new ArgumentException("threshold pruner: give lower, upper or both", nameof(options));
        if (options.Lower is { } lo && options.Upper is { } hi && lo > hi)
            throw new ArgumentOutOfRangeException(nameof(options), $"threshold pruner: lower ({lo}) must not exceed upper ({hi})");
        ArgumentOutOfRangeException.ThrowIfNegative(options.NWarmupSteps, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntervalSteps, 1L, nameof(options));
        Options = options;
    }

    public ThresholdPrunerOptions Options { get; }

    public bool ShouldPrune(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.LastStep is not { } step)
            return false;
        if (!PruningSchedule.IsCheckStep(trial, step, Options.NWarmupSteps, Options.IntervalSteps))
            return false;
        var value = trial.IntermediateValues[step];
        return double.IsNaN(value)
               || (Options.Lower is { } lo && value < lo)
               || (Options.Upper is { } hi && value > hi);
    }
}
