using HoMM.Core.Pruners;
using HoMM.Core.Trials;
using static HoMM.Core.Tests.Pruners.History;

namespace HoMM.Core.Tests.Pruners;

public class PercentilePrunerTests
{
    private static FrozenTrial[] FiveCompleted() => [.. Enumerable.Range(0, 5).Select(i => Flat(i, i + 1.0))];

    [Theory]
    [InlineData(3.5, true)]
    [InlineData(2.5, false)]
    [InlineData(3.0, false)]
    public void Median_RunningTrialAgainstCompletedAtSameStep_PrunesOnlyWhenWorse(double value, bool expected)
    {
        var trial = Trial(5, TrialState.Running, (3, value));

        Assert.Equal(expected, new MedianPruner().ShouldPrune(View(FiveCompleted()), trial));
    }

    [Fact]
    public void Median_JudgesTheTrialsBestValueSoFar()
    {
        var trial = Trial(5, TrialState.Running, (1, 2.0), (3, 3.5));

        Assert.False(new MedianPruner().ShouldPrune(View(FiveCompleted()), trial));
    }

    [Fact]
    public void Median_FewerCompletedThanStartupTrials_NeverPrunes()
    {
        var trial = Trial(5, TrialState.Running, (3, 100.0));

        Assert.False(new MedianPruner().ShouldPrune(View([.. FiveCompleted().Take(4)]), trial));
        Assert.True(new MedianPruner(new MedianPrunerOptions { NStartupTrials = 4 }).ShouldPrune(View([.. FiveCompleted().Take(4)]), trial));
    }

    [Fact]
    public void Median_RunningAndPrunedTrials_DoNotCountAsCompleted()
    {
        FrozenTrial[] others = [.. Enumerable.Range(0, 5).Select(i => Trial(i, i % 2 == 0 ? TrialState.Running : TrialState.Pruned, (3, 0.0)))];

        Assert.False(new MedianPruner().ShouldPrune(View(others), Trial(5, TrialState.Running, (3, 100.0))));
    }

    [Fact]
    public void Percentile_Maximize_MirrorsThePercentile()
    {
        // 25th percentile for maximisation means "worse than the 75th percentile from the top": 4.
        var pruner = new PercentilePruner(new PercentilePrunerOptions { Percentile = 25 });
        var view = View(StudyDirection.Maximize, FiveCompleted());

        Assert.True(pruner.ShouldPrune(view, Trial(5, TrialState.Running, (3, 3.9))));
        Assert.False(pruner.ShouldPrune(view, Trial(5, TrialState.Running, (3, 4.1))));
    }

    [Fact]
    public void Percentile_InterpolatesBetweenOrderStatistics()
    {
        // Values 1, 2, 3, 4: the 25th percentile is 1.75.
        var pruner = new PercentilePruner(new PercentilePrunerOptions { Percentile = 25, NStartupTrials = 1 });
        var view = View([.. Enumerable.Range(0, 4).Select(i => Flat(i, i + 1.0))]);

        Assert.True(pruner.ShouldPrune(view, Trial(4, TrialState.Running, (3, 1.76))));
        Assert.False(pruner.ShouldPrune(view, Trial(4, TrialState.Running, (3, 1.74))));
    }

    [Fact]
    public void Median_BeforeWarmup_NeverPrunes()
    {
        var pruner = new MedianPruner(new MedianPrunerOptions { NWarmupSteps = 4 });

        Assert.False(pruner.ShouldPrune(View(FiveCompleted()), Trial(5, TrialState.Running, (3, 100.0))));
        Assert.True(pruner.ShouldPrune(View(FiveCompleted()), Trial(5, TrialState.Running, (3, 100.0), (4, 100.0))));
    }

    [Fact]
    public void Median_Interval_JudgesOnlyFirstReportOfEachInterval()
    {
        var pruner = new MedianPruner(new MedianPrunerOptions { IntervalSteps = 3 });
        var view = View(FiveCompleted());

        Assert.True(pruner.ShouldPrune(view, Trial(5, TrialState.Running, (0, 50.0))));
        Assert.False(pruner.ShouldPrune(view, Trial(5, TrialState.Running, (0, 50.0), (1, 50.0))));
        Assert.False(pruner.ShouldPrune(view, Trial(5, TrialState.Running, (0, 50.0), (1, 50.0), (2, 50.0))));
        Assert.True(pruner.ShouldPrune(view, Trial(5, TrialState.Running, (0, 50.0), (1, 50.0), (2, 50.0), (3, 50.0))));
        // Reports that skip the boundary are judged at the first report past it.
        Assert.True(pruner.ShouldPrune(view, Trial(5, TrialState.Running, (2, 50.0), (5, 50.0))));
    }

    [Fact]
    public void Median_AllValuesNaN_Prunes() =>
        Assert.True(new MedianPruner().ShouldPrune(View(FiveCompleted()), Trial(5, TrialState.Running, (3, double.NaN))));

    [Fact]
    public void Median_TooFewCompletedReportedThisStep_DoesNotPrune()
    {
        var pruner = new MedianPruner(new MedianPrunerOptions { NMinTrials = 2 });
        FrozenTrial[] trials = [.. FiveCompleted().Take(4).Select(t => t with { IntermediateValues = new Dictionary<long, double> { [0] = 1.0 } }), Flat(4, 1.0, lastStep: 12)];

        Assert.False(pruner.ShouldPrune(View(trials), Trial(5, TrialState.Running, (12, 100.0))));
        Assert.True(pruner.ShouldPrune(View(trials), Trial(5, TrialState.Running, (0, 100.0))));
    }

    [Fact]
    public void Median_NoReport_DoesNotPrune() =>
        Assert.False(new MedianPruner().ShouldPrune(View(FiveCompleted()), Trial(5, TrialState.Running)));

    [Fact]
    public void Constructor_PercentileOutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PercentilePruner(new PercentilePrunerOptions { Percentile = 120 }));
}
