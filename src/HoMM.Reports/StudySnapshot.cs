using HoMM.Core.Trials;

namespace HoMM.Reports;

/// <summary>
/// What every plot reads: a study's trials (any order, any state) and its objective.
/// Plots never change it; a store hands out frozen trials, so a snapshot stays consistent
/// while the study goes on.
/// </summary>
public sealed record StudySnapshot
{
    public StudySnapshot(string name, StudyDirection direction, string objectiveName, IReadOnlyList<FrozenTrial> trials)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(objectiveName);
        ArgumentNullException.ThrowIfNull(trials);
        Name = name;
        Direction = direction;
        ObjectiveName = objectiveName;
        Trials = trials;
    }

    public string Name { get; }
    public StudyDirection Direction { get; }
    /// <summary>The metric the study optimizes, e.g. <c>val/acc</c>; used as the value axis title.</summary>
    public string ObjectiveName { get; }
    public IReadOnlyList<FrozenTrial> Trials { get; }

    /// <summary>Complete trials with a finite value: the ones an objective plot can place.</summary>
    public IEnumerable<FrozenTrial> CompleteTrials =>
        Trials.Where(t => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v));

    /// <summary>True when <paramref name="candidate"/> is better than <paramref name="incumbent"/> for this study.</summary>
    public bool IsBetter(double candidate, double incumbent) => Direction.IsBetter(candidate, incumbent);

    /// <summary>The best complete trial (lowest number wins a tie), or null when none completed.</summary>
    public FrozenTrial? BestTrial()
    {
        FrozenTrial? best = null;
        foreach (var t in CompleteTrials)
        {
            if (best is null || IsBetter(t.Value!.Value, best.Value!.Value)
                || (t.Value!.Value == best.Value!.Value && t.Number < best.Number))
                best = t;
        }
        return best;
    }
}

internal static class StudyDirectionExtensions
{
    public static bool IsBetter(this StudyDirection direction, double candidate, double incumbent) =>
        direction == StudyDirection.Minimize ? candidate < incumbent : candidate > incumbent;
}
