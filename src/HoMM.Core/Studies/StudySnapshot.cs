using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Studies;

/// <summary>
/// An immutable <see cref="IStudyView"/> over trials loaded from elsewhere (a store): what a
/// dispatcher hands to a sampler or pruner without building a <see cref="Study"/>. Cancelled trials
/// are left out here, the one place every sampler and pruner reads through: a trial a person
/// cancelled says nothing about its parameters. A Paused trial is shown Running: it may still go
/// on, so samplers treat it as the running trials they already know (constant liar; rung-fitted
/// models read its intermediate values), and no sampler needs a case of its own for it.
/// </summary>
public sealed class StudySnapshot : IStudyView
{
    public StudySnapshot(StudyDirection direction, SearchSpaceDefinition searchSpace, IEnumerable<FrozenTrial> trials)
        : this([direction], searchSpace, trials)
    {
    }

    /// <param name="directions">One per objective, in the order of each trial's <see cref="FrozenTrial.Values"/>.</param>
    /// <param name="searchSpace">The study's search space.</param>
    /// <param name="trials">The study's trials, any order.</param>
    public StudySnapshot(IReadOnlyList<StudyDirection> directions, SearchSpaceDefinition searchSpace, IEnumerable<FrozenTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(directions);
        if (directions.Count == 0)
            throw new ArgumentException("a study has at least one objective", nameof(directions));
        ArgumentNullException.ThrowIfNull(searchSpace);
        ArgumentNullException.ThrowIfNull(trials);
        var list = trials.Where(t => t.State != TrialState.Cancelled)
            .Select(t => t.State == TrialState.Paused ? t with { State = TrialState.Running } : t)
            .ToList();
        list.Sort((a, b) => a.Number.CompareTo(b.Number));
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Number == list[i - 1].Number)
                throw new ArgumentException($"trial number {list[i].Number} appears twice", nameof(trials));
        }
        Directions = [.. directions];
        Direction = directions[0];
        SearchSpace = searchSpace;
        Trials = list;
    }

    public StudyDirection Direction { get; }

    public IReadOnlyList<StudyDirection> Directions { get; }

    public SearchSpaceDefinition SearchSpace { get; }

    public IReadOnlyList<FrozenTrial> Trials { get; }
}
