using HoMM.Cli.Trials;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Cli.Tests.Trials;

public class TrialOrderTests
{
    private static FrozenTrial Trial(int number, TrialState state, double? value) =>
        new(number, number, state, value, new Dictionary<string, object>(), new Dictionary<string, Distribution>(), new Dictionary<long, double>());

    [Theory]
    [InlineData(StudyDirection.Minimize, new[] { 3, 0, 2, 4, 1, 5 })]
    [InlineData(StudyDirection.Maximize, new[] { 3, 0, 1, 4, 2, 5 })]
    public void Sort_Value_RankedTrialsFirstAndTheFirstIsTheBestTrial(StudyDirection direction, int[] expected)
    {
        List<FrozenTrial> trials =
        [
            Trial(0, TrialState.Complete, 0.5), Trial(1, TrialState.Complete, double.PositiveInfinity),
            Trial(2, TrialState.Complete, double.NegativeInfinity), Trial(3, TrialState.Complete, 0.5),
            Trial(4, TrialState.Pruned, 0.4), Trial(5, TrialState.Fail, null),
        ];
        trials[3] = trials[3] with { Value = direction == StudyDirection.Minimize ? 0.1 : 0.9 };

        var sorted = TrialOrdering.Sort(trials, TrialOrder.Value, direction, DateTimeOffset.UnixEpoch).ToList();

        Assert.Equal(expected, sorted.Select(t => t.Number));
        Assert.Same(BestTrialRule.Of(trials, direction), sorted[0]);
    }
}
