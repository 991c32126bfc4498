using HoMM.Core.Trials;

namespace HoMM.Core.MultiObjective;

/// <summary>
/// The one rule for a multi-objective study's answer, which Core, the store, reports, the dashboard
/// and the CLI all apply (the counterpart of <see cref="BestTrialRule"/>): Complete trials whose
/// every objective value is finite take part; the front is those no other such trial dominates,
/// in trial-number order; equal vectors are all on it. With one objective the front is every
/// trial that ties the best value.
/// </summary>
public static class ParetoFrontRule
{
    /// <summary>True when the trial takes part: Complete with a finite value for each of the study's objectives.</summary>
    public static bool IsRanked(FrozenTrial trial, int objectives)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial.State == TrialState.Complete && trial.ObjectiveValues is { } v && v.Count == objectives && Pareto.IsRankable(v);
    }

    /// <summary>The ranked trials (number order) and their losses.</summary>
    public static (FrozenTrial[] Trials, double[][] Losses) Ranked(IEnumerable<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(directions);
        var ranked = trials.Where(t => IsRanked(t, directions.Count)).OrderBy(t => t.Number).ToArray();
        return (ranked, [.. ranked.Select(t => Pareto.ToLoss(t.ObjectiveValues!, directions))]);
    }

    /// <summary>The non-dominated trials in number order.</summary>
    public static IReadOnlyList<FrozenTrial> Front(IEnumerable<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        var (ranked, losses) = Ranked(trials, directions);
        return [.. Pareto.FrontIndices(losses).Select(i => ranked[i])];
    }

    /// <summary>
    /// Front members sorted by the first objective, best first, then by number: how a front is listed
    /// for reading (<c>status</c>, <c>best</c>), as a trade-off from one end to the other.
    /// </summary>
    public static IReadOnlyList<FrozenTrial> ByFirstObjective(IEnumerable<FrozenTrial> front, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(front);
        ArgumentNullException.ThrowIfNull(directions);
        var sign = directions[0] == StudyDirection.Maximize ? -1 : 1;
        return [.. front.OrderBy(t => sign * t.ObjectiveValues![0]).ThenBy(t => t.Number)];
    }

    /// <summary>
    /// The best trial for objective <paramref name="objective"/> alone, among the trials that take
    /// part (<see cref="IsRanked"/>), by <see cref="BestTrialRule"/> (ties: the lowest number); null when none does.
    /// </summary>
    public static FrozenTrial? BestFor(IEnumerable<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions, int objective)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(directions);
        ArgumentOutOfRangeException.ThrowIfNegative(objective);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(objective, directions.Count);
        var (ranked, _) = Ranked(trials, directions);
        return BestTrialRule.Of(ranked, directions[objective], t => t.State, t => t.Number, t => t.ObjectiveValues![objective]);
    }

    /// <summary>Front rank (0 = the Pareto front) of each ranked trial, by trial number.</summary>
    public static IReadOnlyDictionary<int, int> Ranks(IEnumerable<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        var (ranked, losses) = Ranked(trials, directions);
        var ranks = Pareto.Ranks(losses);
        var result = new Dictionary<int, int>(ranked.Length);
        for (var i = 0; i < ranked.Length; i++)
            result[ranked[i].Number] = ranks[i];
        return result;
    }

    /// <summary>
    /// Hypervolume of the front after each ranked trial, in trial-number order, against
    /// <paramref name="reference"/> (losses) or, when null, the nadir reference of all ranked trials
    /// (<see cref="Hypervolume.NadirReference"/>), so the curve is comparable within one study.
    /// </summary>
    public static IReadOnlyList<(int Number, double Hypervolume)> History(
        IEnumerable<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions, double[]? reference = null)
    {
        var (ranked, losses) = Ranked(trials, directions);
        if (ranked.Length == 0)
            return [];
        reference ??= Hypervolume.NadirReference(losses);
        var result = new List<(int, double)>(ranked.Length);
        var front = new List<double[]>();
        var volume = 0.0;
        for (var i = 0; i < ranked.Length; i++)
        {
            var p = losses[i];
            // Only a point no front member dominates (or equals) changes the volume; keeping the
            // front small makes the history O(n · |front| · hv) rather than n full recomputations.
            if (!front.Any(f => Pareto.Dominates(f, p) || f.AsSpan().SequenceEqual(p)))
            {
                front.RemoveAll(f => Pareto.Dominates(p, f));
                front.Add(p);
                volume = Hypervolume.Compute(front, reference);
            }
            result.Add((ranked[i].Number, volume));
        }
        return result;
    }
}
