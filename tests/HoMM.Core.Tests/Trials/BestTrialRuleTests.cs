using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Trials;

public class BestTrialRuleTests
{
    private static FrozenTrial Trial(int number, TrialState state, double? value) =>
        new(number + 100, number, state, value, new Dictionary<string, object>(), new Dictionary<string, Distribution>(), new Dictionary<long, double>());

    private static List<FrozenTrial> Mixed() =>
    [
        Trial(0, TrialState.Complete, 0.5),
        Trial(1, TrialState.Complete, double.NegativeInfinity),
        Trial(2, TrialState.Complete, double.PositiveInfinity),
        Trial(3, TrialState.Complete, double.NaN),
        Trial(4, TrialState.Complete, 0.2),
        Trial(5, TrialState.Pruned, -9),
        Trial(6, TrialState.Fail, 99),
        Trial(7, TrialState.Running, null),
        Trial(8, TrialState.Complete, 0.9),
        Trial(9, TrialState.Complete, null),
    ];

    [Theory]
    [InlineData(StudyDirection.Minimize, 4)]
    [InlineData(StudyDirection.Maximize, 8)]
    public void Of_MixedTrials_BestFiniteCompleteValueForTheDirection(StudyDirection direction, int expected)
    {
        Assert.Equal(expected, BestTrialRule.Of(Mixed(), direction)!.Number);
    }

    [Theory]
    [InlineData(StudyDirection.Minimize)]
    [InlineData(StudyDirection.Maximize)]
    public void Of_Tie_LowestNumberWinsWhateverTheOrder(StudyDirection direction)
    {
        List<FrozenTrial> trials = [Trial(7, TrialState.Complete, 0.3), Trial(2, TrialState.Complete, 0.3), Trial(5, TrialState.Complete, 0.3)];

        Assert.Equal(2, BestTrialRule.Of(trials, direction)!.Number);
        trials.Reverse();
        Assert.Equal(2, BestTrialRule.Of(trials, direction)!.Number);
    }

    [Fact]
    public void Of_NothingRanked_IsNull()
    {
        List<FrozenTrial> trials =
        [
            Trial(0, TrialState.Complete, double.NaN), Trial(1, TrialState.Complete, double.NegativeInfinity),
            Trial(2, TrialState.Pruned, 0.1), Trial(3, TrialState.Waiting, null),
        ];

        Assert.Null(BestTrialRule.Of(trials, StudyDirection.Minimize));
        Assert.Null(BestTrialRule.Of([], StudyDirection.Maximize));
    }

    [Fact]
    public void Of_Columns_SameAnswerAsForTrials()
    {
        var rows = Mixed().Select(t => new { t.State, t.Number, t.Value }).Reverse().ToList();

        var best = BestTrialRule.Of(rows, StudyDirection.Minimize, r => r.State, r => r.Number, r => r.Value);

        Assert.Equal(4, best!.Number);
    }

    [Theory]
    [InlineData(TrialState.Complete, 1.0, true)]
    [InlineData(TrialState.Complete, double.NaN, false)]
    [InlineData(TrialState.Complete, double.PositiveInfinity, false)]
    [InlineData(TrialState.Complete, double.NegativeInfinity, false)]
    [InlineData(TrialState.Pruned, 1.0, false)]
    [InlineData(TrialState.Running, 1.0, false)]
    public void IsRanked_OnlyCompleteFiniteValues(TrialState state, double value, bool expected)
    {
        Assert.Equal(expected, BestTrialRule.IsRanked(state, value));
        Assert.False(BestTrialRule.IsRanked(TrialState.Complete, null));
    }

    [Fact]
    public void IsBetter_FollowsTheDirectionAndIsStrict()
    {
        Assert.True(StudyDirection.Minimize.IsBetter(1, 2));
        Assert.False(StudyDirection.Minimize.IsBetter(2, 1));
        Assert.True(StudyDirection.Maximize.IsBetter(2, 1));
        Assert.False(StudyDirection.Maximize.IsBetter(1, 1));
    }
}
