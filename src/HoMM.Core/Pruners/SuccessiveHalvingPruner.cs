using HoMM.Core.Samplers;
using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>Options of <see cref="SuccessiveHalvingPruner"/>; defaults are Optuna's.</summary>
public sealed record SuccessiveHalvingPrunerOptions
{
    /// <summary>
    /// Steps before the first rung. Null ("auto"): a hundredth of the longest completed trial
    /// (at least 1), so nothing is pruned until one trial has completed.
    /// </summary>
    public long? MinResource { get; init; }

    /// <summary>Each rung keeps the best 1/reduction_factor of the trials that reached it and is reduction_factor times further.</summary>
    public int ReductionFactor { get; init; } = 4;

    /// <summary>s: the first rung is at min_resource · reduction_factor^s.</summary>
    public int MinEarlyStoppingRate { get; init; }

    /// <summary>Trials that must reach a rung before any trial is promoted past it.</summary>
    public int BootstrapCount { get; init; }
}

/// <summary>
/// Asynchronous successive halving (ASHA): a trial that reaches rung k (step min_resource ·
/// η^(s+k)) continues only if its value is in the best 1/η of all values recorded at that rung
/// so far; trials never wait for a rung to fill.
/// </summary>
/// <remarks>
/// The rung values are derived from intermediate values rather than stored: a trial's value at a
/// rung is the one it reported at its first step at or past the rung. Each rung is judged once,
/// on the report that first reaches it, so the pruner keeps no state and a dispatcher can rebuild
/// it from stored trials at any time.
/// </remarks>
public sealed class SuccessiveHalvingPruner : IPruner
{
    private long? _estimatedMinResource;

    public SuccessiveHalvingPruner(SuccessiveHalvingPrunerOptions? options = null)
    {
        Options = options ?? new SuccessiveHalvingPrunerOptions();
        if (Options.MinResource is { } r)
            ArgumentOutOfRangeException.ThrowIfLessThan(r, 1L, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.ReductionFactor, 2, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MinEarlyStoppingRate, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.BootstrapCount, nameof(options));
    }

    public SuccessiveHalvingPrunerOptions Options { get; }

    public bool ShouldPrune(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.LastStep is not { } step)
            return false;
        if (MinResource(study) is not { } minResource)
            return false;

        var previous = PruningSchedule.PreviousStep(trial, step);
        var value = trial.IntermediateValues[step];
        for (var rung = 0; ; rung++)
        {
            var resource = RungStep(minResource, rung);
            if (resource > step)
                return false;
            if (resource <= previous)
                continue; // judged on an earlier report
            if (double.IsNaN(value))
                return true;

            var competing = new List<double> { value };
            foreach (var other in study.Trials)
            {
                if (other.Number != trial.Number && ValueAtRung(other, resource) is { } v && !double.IsNaN(v))
                    competing.Add(v);
            }
            // The trial itself is among the competitors, hence "≤".
            if (competing.Count <= Options.BootstrapCount)
                return true;
            if (!IsPromotable(value, competing, study.Direction))
                return true;
        }
    }

    /// <summary>Step of rung <paramref name="rung"/>, saturating instead of overflowing.</summary>
    private long RungStep(long minResource, int rung)
    {
        var step = (double)minResource * Math.Pow(Options.ReductionFactor, Options.MinEarlyStoppingRate + rung);
        return step >= long.MaxValue ? long.MaxValue : (long)step;
    }

    private long? MinResource(IStudyView study)
    {
        if (Options.MinResource is { } given)
            return given;
        if (_estimatedMinResource is { } known)
            return known;
        long? longest = null;
        foreach (var t in study.Trials)
        {
            if (t.State == TrialState.Complete && t.LastStep is { } last)
                longest = Math.Max(longest ?? 0, last);
        }
        if (longest is null)
            return null;
        _estimatedMinResource = Math.Max(longest.Value / 100, 1);
        return _estimatedMinResource;
    }

    /// <summary>The value reported at the first step at or past <paramref name="resource"/>, if the trial got there.</summary>
    internal static double? ValueAtRung(FrozenTrial trial, long resource)
    {
        var first = long.MaxValue;
        foreach (var s in trial.IntermediateValues.Keys)
        {
            if (s >= resource && s < first)
                first = s;
        }
        return first == long.MaxValue ? null : trial.IntermediateValues[first];
    }

    private bool IsPromotable(double value, List<double> competing, StudyDirection direction)
    {
        // The best ⌊n/η⌋ go on; while fewer than η trials reached the rung, only the best does
        // (nobody can be paused to wait for more, so the rung starts strict).
        var index = Math.Max(competing.Count / Options.ReductionFactor - 1, 0);
        competing.Sort();
        return direction == StudyDirection.Maximize
            ? value >= competing[competing.Count - 1 - index]
            : value <= competing[index];
    }
}
