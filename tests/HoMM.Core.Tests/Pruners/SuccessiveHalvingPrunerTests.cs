using HoMM.Core.Pruners;
using HoMM.Core.Trials;
using static HoMM.Core.Tests.Pruners.History;

namespace HoMM.Core.Tests.Pruners;

public class SuccessiveHalvingPrunerTests
{
    // Rungs at steps 1, 2, 4, 8 …
    private static SuccessiveHalvingPruner Asha(int bootstrap = 0) => new(new SuccessiveHalvingPrunerOptions { MinResource = 1, ReductionFactor = 2, BootstrapCount = bootstrap });

    [Fact]
    public void FirstTrialAtARung_IsPromoted() =>
        Assert.False(Asha().ShouldPrune(View(), Trial(0, TrialState.Running, (0, 9.0), (1, 9.0))));

    [Theory]
    [InlineData(0.25, true)]
    [InlineData(0.15, false)]
    public void Rung_KeepsTheBestHalf(double value, bool pruned)
    {
        // Four values at rung 1 with η = 2: the best two go on (threshold: the 2nd smallest).
        var view = View(
            Trial(0, TrialState.Running, (1, 0.1)),
            Trial(1, TrialState.Pruned, (1, 0.2)),
            Trial(2, TrialState.Complete, (1, 0.3), (2, 0.3)));

        Assert.Equal(pruned, Asha().ShouldPrune(view, Trial(3, TrialState.Running, (1, value))));
    }

    [Fact]
    public void Maximize_KeepsTheLargestValues()
    {
        var view = View(StudyDirection.Maximize,
            Trial(0, TrialState.Running, (1, 0.1)),
            Trial(1, TrialState.Running, (1, 0.2)),
            Trial(2, TrialState.Running, (1, 0.3)));

        Assert.True(Asha().ShouldPrune(view, Trial(3, TrialState.Running, (1, 0.15))));
        Assert.False(Asha().ShouldPrune(view, Trial(3, TrialState.Running, (1, 0.25))));
    }

    [Fact]
    public void PassedRung_IsNotJudgedAgainWhenOthersCatchUp()
    {
        // Trial 0 passed rung 1 alone; later trials did better there. At step 3 (between rungs 2
        // and 4) nothing is judged, and rung 1 is not revisited.
        var view = View(
            Trial(1, TrialState.Running, (1, 0.01)),
            Trial(2, TrialState.Running, (1, 0.02)),
            Trial(3, TrialState.Running, (1, 0.03)));

        Assert.False(Asha().ShouldPrune(view, Trial(0, TrialState.Running, (1, 0.5), (2, 0.5), (3, 0.5))));
    }

    [Fact]
    public void ValueAtRung_IsTheFirstReportAtOrPastIt()
    {
        // Trial 0 reported at steps 0 and 3: its rung-2 value is the one at step 3 (0.1).
        var view = View(
            Trial(0, TrialState.Running, (0, 9.0), (3, 0.1)),
            Trial(1, TrialState.Running, (0, 9.0), (2, 0.2), (3, 9.0)),
            Trial(2, TrialState.Running, (0, 9.0), (2, 0.3)));

        Assert.True(Asha().ShouldPrune(view, Trial(3, TrialState.Running, (1, 0.0), (2, 0.25))));
        Assert.False(Asha().ShouldPrune(view, Trial(3, TrialState.Running, (1, 0.0), (2, 0.15))));
    }

    [Fact]
    public void ReportSkippingRungs_IsJudgedAtEachOfThem()
    {
        // Jumping from step 0 to step 5 crosses rungs 1, 2 and 4; rung 4 has a better trial.
        var view = View(
            Trial(0, TrialState.Running, (1, 0.5), (2, 0.5), (4, 0.01)),
            Trial(1, TrialState.Running, (1, 0.6), (2, 0.6), (4, 0.02)));

        Assert.True(Asha().ShouldPrune(view, Trial(2, TrialState.Running, (0, 1.0), (5, 0.1))));
        Assert.False(Asha().ShouldPrune(view, Trial(2, TrialState.Running, (0, 1.0), (5, 0.005))));
    }

    [Fact]
    public void NaNAtRung_Prunes() =>
        Assert.True(Asha().ShouldPrune(View(), Trial(0, TrialState.Running, (1, double.NaN))));

    [Fact]
    public void BootstrapCount_PrunesUntilEnoughTrialsReachedTheRung()
    {
        var view = View(Trial(0, TrialState.Running, (1, 0.5)));

        Assert.True(Asha(bootstrap: 2).ShouldPrune(view, Trial(1, TrialState.Running, (1, 0.1))));
        Assert.False(Asha(bootstrap: 1).ShouldPrune(view, Trial(1, TrialState.Running, (1, 0.1))));
    }

    [Fact]
    public void AutoMinResource_WaitsForACompletedTrialThenUsesAHundredthOfIt()
    {
        var pruner = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions { ReductionFactor = 2 });
        var bad = Trial(9, TrialState.Running, [.. Enumerable.Range(0, 6).Select(s => ((long)s, 5.0))]);

        Assert.False(pruner.ShouldPrune(View(Trial(0, TrialState.Running, (3, 0.1), (4, 0.1))), bad));

        // Longest completed trial: step 499 → min resource 4; the bad trial is judged at step 4.
        var view = View(Flat(0, 0.1, lastStep: 499), Flat(1, 0.2, lastStep: 499));
        Assert.False(pruner.ShouldPrune(view, Trial(9, TrialState.Running, (3, 5.0))));
        Assert.True(pruner.ShouldPrune(view, Trial(9, TrialState.Running, (3, 5.0), (4, 5.0))));
    }

    [Fact]
    public void MinEarlyStoppingRate_MovesTheFirstRung()
    {
        var pruner = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions { MinResource = 1, ReductionFactor = 2, MinEarlyStoppingRate = 2 });
        var view = View(Trial(0, TrialState.Running, (1, 0.1), (4, 0.1)), Trial(1, TrialState.Running, (1, 0.2), (4, 0.2)));

        Assert.False(pruner.ShouldPrune(view, Trial(2, TrialState.Running, (1, 0.9))));
        Assert.True(pruner.ShouldPrune(view, Trial(2, TrialState.Running, (1, 0.9), (4, 0.9))));
    }
}
