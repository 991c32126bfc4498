namespace HoMM.Core.Trials;

/// <summary>
/// The one rule for a study's best trial, which Core's study, the store, reports, the dashboard and
/// the CLI all apply: among Complete trials with a finite value, the best value for the study's
/// direction; on a tie, the lowest trial number, so the answer does not depend on the order trials
/// are read in. NaN and ±∞ never win: a trainer whose loss diverged to −∞ has no result to rank.
/// </summary>
public static class BestTrialRule
{
    /// <summary>True when a trial in <paramref name="state"/> with <paramref name="value"/> takes part: Complete with a finite value.</summary>
    public static bool IsRanked(TrialState state, double? value) =>
        state == TrialState.Complete && value is { } v && double.IsFinite(v);

    /// <summary>True when <paramref name="trial"/> takes part (<see cref="IsRanked(TrialState, double?)"/>).</summary>
    public static bool IsRanked(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return IsRanked(trial.State, trial.Value);
    }

    /// <summary>True when <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/> for the direction.</summary>
    public static bool IsBetter(this StudyDirection direction, double candidate, double incumbent) =>
        direction == StudyDirection.Minimize ? candidate < incumbent : candidate > incumbent;

    /// <summary>The best of <paramref name="trials"/> (any order, any state), or null when none takes part.</summary>
    public static FrozenTrial? Of(IEnumerable<FrozenTrial> trials, StudyDirection direction) =>
        Of(trials, direction, t => t.State, t => t.Number, t => t.Value);

    /// <summary>
    /// The best of <paramref name="candidates"/> described by their state, number and value: for a
    /// caller that reads only those columns (a store), or null when none takes part.
    /// </summary>
    public static T? Of<T>(
        IEnumerable<T> candidates, StudyDirection direction, Func<T, TrialState> state, Func<T, int> number, Func<T, double?> value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(number);
        ArgumentNullException.ThrowIfNull(value);
        T? best = null;
        double bestValue = 0;
        var bestNumber = 0;
        foreach (var c in candidates)
        {
            var v = value(c);
            if (!IsRanked(state(c), v))
                continue;
            var n = number(c);
            if (best is null || direction.IsBetter(v!.Value, bestValue) || (v!.Value == bestValue && n < bestNumber))
                (best, bestValue, bestNumber) = (c, v!.Value, n);
        }
        return best;
    }
}
