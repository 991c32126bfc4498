using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>When a step is one at which a pruner should judge (warm-up and interval rules).</summary>
internal static class PruningSchedule
{
    /// <summary>
    /// True when <paramref name="step"/> is past the warm-up and is the trial's first report at or
    /// after the latest multiple of <paramref name="intervalSteps"/> (counted from the warm-up), so
    /// a trial whose reports skip steps is still judged once per interval.
    /// </summary>
    public static bool IsCheckStep(FrozenTrial trial, long step, long warmupSteps, long intervalSteps)
    {
        if (step < warmupSteps)
            return false;
        var boundary = (step - warmupSteps) / intervalSteps * intervalSteps + warmupSteps;
        var previous = PreviousStep(trial, step);
        return previous < boundary;
    }

    /// <summary>The largest reported step below <paramref name="step"/>, or −1.</summary>
    public static long PreviousStep(FrozenTrial trial, long step)
    {
        var previous = -1L;
        foreach (var s in trial.IntermediateValues.Keys)
        {
            if (s < step && s > previous)
                previous = s;
        }
        return previous;
    }

    /// <summary>The best of the trial's intermediate values, NaN when all are NaN.</summary>
    public static double BestIntermediate(FrozenTrial trial, StudyDirection direction)
    {
        var best = double.NaN;
        foreach (var v in trial.IntermediateValues.Values)
        {
            if (double.IsNaN(v))
                continue;
            if (double.IsNaN(best) || direction.IsBetter(v, best))
                best = v;
        }
        return best;
    }
}
