using HoMM.Core.Samplers;
using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>Options of <see cref="PercentilePruner"/>; defaults are Optuna's.</summary>
public sealed record PercentilePrunerOptions
{
    /// <summary>Prune when the trial's best value is worse than this percentile (0–100) of completed trials at the same step.</summary>
    public double Percentile { get; init; } = 25.0;

    /// <summary>No pruning until this many trials have completed.</summary>
    public int NStartupTrials { get; init; } = 5;

    /// <summary>No pruning of a trial before this step.</summary>
    public long NWarmupSteps { get; init; }

    /// <summary>Judge once per this many steps (after the warm-up).</summary>
    public long IntervalSteps { get; init; } = 1;

    /// <summary>Completed trials that must have reported the same step before it can be judged.</summary>
    public int NMinTrials { get; init; } = 1;
}

/// <summary>
/// Prunes a trial whose best intermediate value so far is worse than the given percentile of the
/// values completed trials reported at the same step (direction aware: for maximisation, worse
/// means below the mirrored percentile).
/// </summary>
public sealed class PercentilePruner : IPruner
{
    public PercentilePruner(PercentilePrunerOptions? options = null)
    {
        Options = options ?? new PercentilePrunerOptions();
        if (!(Options.Percentile is >= 0 and <= 100))
            throw new ArgumentOutOfRangeException(nameof(options), Options.Percentile, "percentile must be between 0 and 100");
        ArgumentOutOfRangeException.ThrowIfNegative(Options.NStartupTrials, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.NWarmupSteps, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.IntervalSteps, 1L, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.NMinTrials, 1, nameof(options));
    }

    public PercentilePrunerOptions Options { get; }

    public bool ShouldPrune(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.LastStep is not { } step)
            return false;

        var completed = 0;
        foreach (var t in study.Trials)
        {
            if (t.State == TrialState.Complete)
                completed++;
        }
        if (completed == 0 || completed < Options.NStartupTrials)
            return false;
        if (!PruningSchedule.IsCheckStep(trial, step, Options.NWarmupSteps, Options.IntervalSteps))
            return false;

        var best = PruningSchedule.BestIntermediate(trial, study.Direction);
        if (double.IsNaN(best))
            return true;

        var atStep = new List<double>();
        foreach (var t in study.Trials)
        {
            if (t.State == TrialState.Complete && t.IntermediateValues.TryGetValue(step, out var v) && !double.IsNaN(v))
                atStep.Add(v);
        }
        if (atStep.Count < Options.NMinTrials || atStep.Count == 0)
            return false;

        var percentile = study.Direction == StudyDirection.Maximize ? 100 - Options.Percentile : Options.Percentile;
        var threshold = Interpolate(atStep, percentile);
        return study.Direction == StudyDirection.Maximize ? best < threshold : best > threshold;
    }

    /// <summary>The percentile with linear interpolation between order statistics.</summary>
    internal static double Interpolate(List<double> values, double percentile)
    {
        values.Sort();
        var rank = percentile / 100 * (values.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, values.Count - 1);
        return values[lower] + (rank - lower) * (values[upper] - values[lower]);
    }
}
