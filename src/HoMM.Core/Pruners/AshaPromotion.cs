using HoMM.Core.Samplers;
using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>A paused trial chosen to go on: it resumes from rung <see cref="FromRung"/> to step <see cref="UntilStep"/>.</summary>
public sealed record Promotion(int TrialNumber, int FromRung, long UntilStep);

/// <summary>
/// Promotion-based asynchronous successive halving (ASHA as Li et al., MLSys 2020, Algorithm 2
/// defines it): a trial that reaches a rung pauses there; when a slot is free, the highest rung
/// that has a paused trial in its best ⌊n/η⌋ (n: trials that reached the rung) promotes the best
/// such trial to the next rung; only when no rung can promote does a new trial start.
/// </summary>
/// <remarks>
/// Unlike the stopping rule of <see cref="SuccessiveHalvingPruner"/>, nobody is judged on the
/// moment it arrives: a trial ranks against everything that reached its rung by the time a slot
/// frees, so early arrivals are not waved through and late good ones are not cut. Stateless like
/// the pruner: rung values are read from intermediate values (the first report at or past the
/// rung step) and "paused" is the caller's fact, so a driver can rebuild the decision from its
/// store after a crash.
/// </remarks>
public sealed class AshaPromotion : IPromotionSchedule
{
    /// <param name="minResource">Step of rung 0 (before <paramref name="minEarlyStoppingRate"/>).</param>
    /// <param name="reductionFactor">η: each rung promotes its best 1/η and is η times further.</param>
    /// <param name="minEarlyStoppingRate">s: rung k is at min_resource · η^(s+k).</param>
    /// <param name="maxResource">Steps of a full trial: the rungs are the steps below it.</param>
    public AshaPromotion(long minResource, int reductionFactor, int minEarlyStoppingRate, long maxResource)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minResource, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(reductionFactor, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(minEarlyStoppingRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResource, 1L);
        var rungs = new List<long>();
        for (var k = 0; ; k++)
        {
            var step = minResource * Math.Pow(reductionFactor, minEarlyStoppingRate + k);
            if (step >= maxResource)
                break;
            rungs.Add((long)step);
        }
        Rungs = rungs;
        ReductionFactor = reductionFactor;
        MaxResource = maxResource;
    }

    /// <summary>Steps at which a trial pauses, lowest first (a trial past the last one runs to <see cref="MaxResource"/>).</summary>
    public IReadOnlyList<long> Rungs { get; }

    public int ReductionFactor { get; }

    public long MaxResource { get; }

    /// <summary>The step a trial that has just reached <paramref name="step"/> runs to next: the next rung, or the end.</summary>
    public long NextStop(long step)
    {
        foreach (var r in Rungs)
        {
            if (r > step)
                return r;
        }
        return MaxResource;
    }

    long IPromotionSchedule.NextStop(int trialNumber, long step) => NextStop(step);

    /// <summary>Whether a trial that reported <paramref name="step"/> (and is not finished) should pause there.</summary>
    public bool IsRung(long step) => Rungs.Contains(step);

    /// <summary>
    /// The paused trial to resume now, or null when a new trial should start. <paramref name="paused"/>
    /// holds the numbers of the trials paused at a rung (not running, not finished).
    /// </summary>
    public Promotion? Next(IStudyView study, IReadOnlySet<int> paused)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(paused);
        for (var k = Rungs.Count - 1; k >= 0; k--)
        {
            var rung = new List<(int Number, double Value)>();
            foreach (var t in study.Trials)
            {
                if (t.State != TrialState.Fail && SuccessiveHalvingPruner.ValueAtRung(t, Rungs[k]) is { } v && !double.IsNaN(v))
                    rung.Add((t.Number, v));
            }
            var top = rung.Count / ReductionFactor;
            if (top == 0)
                continue;
            // Best first; ties go to the older trial, so the order never depends on the list order.
            rung.Sort((a, b) =>
            {
                var c = study.Direction == StudyDirection.Maximize ? b.Value.CompareTo(a.Value) : a.Value.CompareTo(b.Value);
                return c != 0 ? c : a.Number.CompareTo(b.Number);
            });
            foreach (var (number, _) in rung.Take(top))
            {
                // Paused at this very rung: it has not been promoted past it yet.
                if (paused.Contains(number) && HighestRung(study.Trials.First(t => t.Number == number)) == k)
                    return new Promotion(number, k, NextStop(Rungs[k]));
            }
        }
        return null;
    }

    /// <summary>The highest rung a trial reached, or −1.</summary>
    public int HighestRung(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var last = trial.LastStep ?? -1;
        var k = -1;
        while (k + 1 < Rungs.Count && Rungs[k + 1] <= last)
            k++;
        return k;
    }
}
