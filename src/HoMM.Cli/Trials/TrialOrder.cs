using HoMM.Core.Trials;

namespace HoMM.Cli.Trials;

/// <summary>The orders <c>trials --sort</c> accepts.</summary>
public enum TrialOrder
{
    /// <summary>By trial number (the order they were created in).</summary>
    Number,

    /// <summary>The trials <see cref="BestTrialRule"/> ranks (Complete, finite value), best first, so
    /// the first row is the study's best trial; then the other trials with a value (pruned ones by
    /// their last value, not comparable with a final one; ±∞); trials without a value last.</summary>
    Value,

    /// <summary>Longest run first; trials that never started last.</summary>
    Duration,

    /// <summary>Latest start first; trials that never started last.</summary>
    Started,
}

internal static class TrialOrdering
{
    public static IEnumerable<FrozenTrial> Sort(IEnumerable<FrozenTrial> trials, TrialOrder order, StudyDirection direction, DateTimeOffset now) => order switch
    {
        TrialOrder.Value => direction == StudyDirection.Minimize
            ? trials.OrderBy(ValueGroup).ThenBy(t => t.Value).ThenBy(t => t.Number)
            : trials.OrderBy(ValueGroup).ThenByDescending(t => t.Value).ThenBy(t => t.Number),
        TrialOrder.Duration => trials.OrderByDescending(t => Common.Display.RunTime(t, now) ?? TimeSpan.MinValue).ThenBy(t => t.Number),
        TrialOrder.Started => trials.OrderByDescending(t => t.Started ?? DateTimeOffset.MinValue).ThenBy(t => t.Number),
        _ => trials.OrderBy(t => t.Number),
    };

    private static int ValueGroup(FrozenTrial t) => BestTrialRule.IsRanked(t) ? 0 : t.Value is null ? 2 : 1;
}
