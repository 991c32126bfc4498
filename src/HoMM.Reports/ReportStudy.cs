using HoMM.Core.Trials;

namespace HoMM.Reports;

/// <summary>
/// A study as reports and plots read it: its name, objective and trials (any order, any state).
/// Plots never change it; a store hands out frozen trials, so it stays consistent while the study
/// goes on. (Core's <see cref="HoMM.Core.Studies.StudySnapshot"/> is what samplers and pruners read.)
/// </summary>
public sealed record ReportStudy
{
    public ReportStudy(string name, StudyDirection direction, string objectiveName, IReadOnlyList<FrozenTrial> trials)
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

    /// <summary>The trials <see cref="BestTrialRule"/> ranks (Complete, finite value): the ones an objective plot can place.</summary>
    public IEnumerable<FrozenTrial> CompleteTrials => Trials.Where(BestTrialRule.IsRanked);

    /// <summary>The best trial by <see cref="BestTrialRule"/>, or null when none completed with a finite value.</summary>
    public FrozenTrial? BestTrial() => BestTrialRule.Of(Trials, Direction);

    private readonly IReadOnlyList<(string Name, StudyDirection Direction)>? _objectives;

    /// <summary>Every objective (name, direction); one study objective unless set. The first is <see cref="ObjectiveName"/>.</summary>
    public IReadOnlyList<(string Name, StudyDirection Direction)> Objectives
    {
        get => _objectives ?? [(ObjectiveName, Direction)];
        init => _objectives = value;
    }

    public bool IsMultiObjective => Objectives.Count > 1;

    public IReadOnlyList<StudyDirection> Directions => [.. Objectives.Select(o => o.Direction)];
}
