using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Studies;

/// <summary>
/// An immutable <see cref="IStudyView"/> over trials loaded from elsewhere (a store): what a
/// dispatcher hands to a sampler or pruner without building a <see cref="Study"/>.
/// </summary>
public sealed class StudySnapshot : IStudyView
{
    public StudySnapshot(StudyDirection direction, SearchSpaceDefinition searchSpace, IEnumerable<FrozenTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        ArgumentNullException.ThrowIfNull(trials);
        var list = trials.ToList();
        list.Sort((a, b) => a.Number.CompareTo(b.Number));
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Number == list[i - 1].Number)
                throw new ArgumentException($"trial number {list[i].Number} appears twice", nameof(trials));
        }
        Direction = direction;
        SearchSpace = searchSpace;
        Trials = list;
    }

    public StudyDirection Direction { get; }

    public SearchSpaceDefinition SearchSpace { get; }

    public IReadOnlyList<FrozenTrial> Trials { get; }
}
