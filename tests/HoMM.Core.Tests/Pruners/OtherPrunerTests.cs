using HoMM.Core.Pruners;
using HoMM.Core.Samplers;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using static HoMM.Core.Tests.Pruners.History;

namespace HoMM.Core.Tests.Pruners;

public class ThresholdPrunerTests
{
    [Theory]
    [InlineData(0.5, false)]
    [InlineData(-0.1, true)]
    [InlineData(2.5, true)]
    [InlineData(double.NaN, true)]
    public void ShouldPrune_LatestValueOutsideBoundsOrNaN_Prunes(double value, bool expected)
    {
        var pruner = new ThresholdPruner(new ThresholdPrunerOptions { Lower = 0, Upper = 2 });

        Assert.Equal(expected, pruner.ShouldPrune(View(), Trial(0, TrialState.Running, (0, 5.0), (1, value))));
    }

    [Fact]
    public void ShouldPrune_DuringWarmup_DoesNotPrune()
    {
        var pruner = new ThresholdPruner(new ThresholdPrunerOptions { Upper = 1, NWarmupSteps = 3 });

        Assert.False(pruner.ShouldPrune(View(), Trial(0, TrialState.Running, (2, 9.0))));
        Assert.True(pruner.ShouldPrune(View(), Trial(0, TrialState.Running, (2, 9.0), (3, 9.0))));
    }

    [Fact]
    public void Constructor_NoBound_Throws() =>
        Assert.Throws<ArgumentException>(() => new ThresholdPruner(new ThresholdPrunerOptions()));

    [Fact]
    public void Study_Report_ReturnsThePrunersDecision()
    {
        var study = new Study(Spaces.Mixed(), StudyDirection.Minimize, new RandomSampler(1), new ThresholdPruner(new ThresholdPrunerOptions { Upper = 1.0 }));
        var trial = study.Ask();

        Assert.False(study.Report(trial.Number, 0, 0.5));
        Assert.True(study.Report(trial.Number, 1, 1.5));
        Assert.True(study.ShouldPrune(trial.Number));
    }
}

public class PatientPrunerTests
{
    // Minimising: best 0.9 before the window, best 0.95 within the last three reports.
    private static readonly FrozenTrial Stalled = Trial(0, TrialState.Running, (0, 1.0), (1, 0.9), (2, 0.95), (3, 0.96), (4, 0.97));

    [Fact]
    public void NoImprovementForPatienceSteps_WithoutWrapped_Prunes() =>
        Assert.True(new PatientPruner(null, new PatientPrunerOptions { Patience = 2 }).ShouldPrune(View(), Stalled));

    [Fact]
    public void MinDelta_ToleratesSmallRegressions() =>
        Assert.False(new PatientPruner(null, new PatientPrunerOptions { Patience = 2, MinDelta = 0.1 }).ShouldPrune(View(), Stalled));

    [Fact]
    public void StillImproving_DoesNotPrune()
    {
        var improving = Trial(0, TrialState.Running, (0, 1.0), (1, 0.9), (2, 0.95), (3, 0.85), (4, 0.97));

        Assert.False(new PatientPruner(null, new PatientPrunerOptions { Patience = 2 }).ShouldPrune(View(), improving));
    }

    [Fact]
    public void Stalled_DefersToWrappedPruner()
    {
        Assert.False(new PatientPruner(new NopPruner(), new PatientPrunerOptions { Patience = 2 }).ShouldPrune(View(), Stalled));
        Assert.True(new PatientPruner(new ThresholdPruner(new ThresholdPrunerOptions { Upper = 0.5 }), new PatientPrunerOptions { Patience = 2 }).ShouldPrune(View(), Stalled));
    }

    [Fact]
    public void TooFewReports_DoesNotPrune() =>
        Assert.False(new PatientPruner(null, new PatientPrunerOptions { Patience = 4 }).ShouldPrune(View(), Stalled));

    [Fact]
    public void Maximize_StalledWhenNoNewHigh()
    {
        var trial = Trial(0, TrialState.Running, (0, 0.5), (1, 0.8), (2, 0.7), (3, 0.75));

        Assert.True(new PatientPruner(null, new PatientPrunerOptions { Patience = 1 }).ShouldPrune(View(StudyDirection.Maximize), trial));
    }
}

public class HyperbandPrunerTests
{
    private static HyperbandPruner Initialised()
    {
        var pruner = new HyperbandPruner(new HyperbandPrunerOptions { MinResource = 1, MaxResource = 27, ReductionFactor = 3 });
        pruner.ShouldPrune(View(), Trial(0, TrialState.Running, (0, 1.0)));
        return pruner;
    }

    [Fact]
    public void Brackets_FollowHyperbandsBudgetSplit()
    {
        var pruner = Initialised();
        // log3(27) + 1 = 4 brackets with budgets 27, 12, 6, 4 (of 49).
        var counts = new int[pruner.BracketCount];
        for (var n = 0; n < 4900; n++)
            counts[pruner.BracketOf(n)]++;

        Assert.Equal(4, pruner.BracketCount);
        Assert.InRange(counts[0], 2400, 3000);
        Assert.InRange(counts[1], 1000, 1400);
        Assert.InRange(counts[2], 450, 750);
        Assert.InRange(counts[3], 280, 520);
        Assert.Equal(pruner.BracketOf(1234), Initialised().BracketOf(1234));
    }

    [Fact]
    public void Trial_CompetesOnlyWithinItsBracket()
    {
        var pruner = Initialised();
        var numbers = Enumerable.Range(1, 500).ToList();
        var mine = numbers.First(n => pruner.BracketOf(n) == 0);
        var sameBracket = numbers.Where(n => n != mine && pruner.BracketOf(n) == 0).Take(3).ToList();
        var otherBracket = numbers.Where(n => pruner.BracketOf(n) != 0).Take(3).ToList();
        var candidate = Trial(mine, TrialState.Running, (1, 0.5));

        var strangers = View([.. otherBracket.Select(n => Trial(n, TrialState.Running, (1, 0.01)))]);
        var rivals = View([.. sameBracket.Select(n => Trial(n, TrialState.Running, (1, 0.01)))]);

        Assert.False(pruner.ShouldPrune(strangers, candidate));
        Assert.True(pruner.ShouldPrune(rivals, candidate));
    }

    [Fact]
    public void AutoMaxResource_NoPruningUntilATrialCompletes()
    {
        var pruner = new HyperbandPruner();

        Assert.False(pruner.ShouldPrune(View(), Trial(0, TrialState.Running, (0, double.NaN))));
        Assert.Equal(0, pruner.BracketCount);

        pruner.ShouldPrune(View(Flat(0, 0.1, lastStep: 80)), Trial(1, TrialState.Running, (0, 1.0)));
        Assert.Equal(5, pruner.BracketCount); // max resource 81 = 3^4
    }
}
