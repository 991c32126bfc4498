using HoMM.Core.Samplers;
using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>Options of <see cref="PatientPruner"/>.</summary>
public sealed record PatientPrunerOptions
{
    /// <summary>Steps without improvement tolerated before the wrapped pruner is consulted.</summary>
    public int Patience { get; init; }

    /// <summary>An improvement smaller than this does not count.</summary>
    public double MinDelta { get; init; }
}

/// <summary>
/// Waits until a trial has stopped improving for <see cref="PatientPrunerOptions.Patience"/>
/// reported steps, then defers to the wrapped pruner (or prunes when there is none): gives
/// slow starters time before another pruner may stop them.
/// </summary>
public sealed class PatientPruner : IPruner
{
    private readonly IPruner? _wrapped;

    public PatientPruner(IPruner? wrapped, PatientPrunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Patience, nameof(options));
        if (!(options.MinDelta >= 0))
            throw new ArgumentOutOfRangeException(nameof(options), options.MinDelta, "min_delta must be ≥ 0");
        _wrapped = wrapped;
        Options = options;
    }

    public PatientPrunerOptions Options { get; }

    public bool ShouldPrune(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.LastStep is null)
            return false;
        var steps = trial.IntermediateValues.Keys.ToArray();
        if (steps.Length <= Options.Patience + 1)
            return false;
        Array.Sort(steps);

        // The best before the patience window against the best within it (the last patience + 1 reports).
        var split = steps.Length - Options.Patience - 1;
        var before = Best(trial, steps.AsSpan(0, split), study.Direction);
        var within = Best(trial, steps.AsSpan(split), study.Direction);
        var stalled = study.Direction == StudyDirection.Minimize
            ? before + Options.MinDelta < within
            : before - Options.MinDelta > within;
        if (!stalled)
            return false;
        return _wrapped?.ShouldPrune(study, trial) ?? true;
    }

    private static double Best(FrozenTrial trial, ReadOnlySpan<long> steps, StudyDirection direction)
    {
        var best = double.NaN;
        foreach (var s in steps)
        {
            var v = trial.IntermediateValues[s];
            if (double.IsNaN(v))
                continue;
            if (double.IsNaN(best) || direction.IsBetter(v, best))
                best = v;
        }
        return best;
    }
}
