using HoMM.Core.Pruners;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Pruners;

/// <summary>The promotion rule of Li et al. (MLSys 2020), Algorithm 2, on scripted histories (η = 3, rungs 1 and 3, full run 9).</summary>
public class AshaPromotionTests
{
    private static readonly AshaPromotion Rule = new(minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 0, maxResource: 9);

    private static FrozenTrial AtRung0(int number, double value) => History.Trial(number, TrialState.Running, (1, value));

    private static FrozenTrial AtRung1(int number, double v0, double v1) => History.Trial(number, TrialState.Running, (1, v0), (3, v1));

    [Fact]
    public void Rungs_AreTheStepsBelowTheFullRun() =>
        Assert.Equal([1L, 3L], Rule.Rungs);

    [Fact]
    public void Next_FewerThanEtaAtEveryRung_StartsANewTrial()
    {
        var study = History.View(StudyDirection.Maximize, AtRung0(0, 0.5), AtRung0(1, 0.9));

        Assert.Null(Rule.Next(study, new HashSet<int> { 0, 1 }));
    }

    [Fact]
    public void Next_EtaTrialsAtRung0_PromotesTheBestToRung1()
    {
        var study = History.View(StudyDirection.Maximize, AtRung0(0, 0.5), AtRung0(1, 0.9), AtRung0(2, 0.7));

        Assert.Equal(new Promotion(1, 0, 3), Rule.Next(study, new HashSet<int> { 0, 1, 2 }));
    }

    [Fact]
    public void Next_TopAlreadyPromoted_StartsANewTrialUntilTheRungGrows()
    {
        // Trial 1 was promoted and now waits at rung 1 (alone there); rung 0's top third is {1}.
        var three = new[] { AtRung0(0, 0.5), AtRung1(1, 0.9, 0.95), AtRung0(2, 0.7) };
        Assert.Null(Rule.Next(History.View(StudyDirection.Maximize, three), new HashSet<int> { 0, 1, 2 }));

        // Three more arrive: rung 0 has 6, its top two are 1 (done) and 5, so 5 goes on — not 2,
        // which arrived earlier but ranks lower (the stopping rule would have let 2 through at once).
        var six = three.Append(AtRung0(3, 0.1)).Append(AtRung0(4, 0.2)).Append(AtRung0(5, 0.8)).ToArray();
        Assert.Equal(new Promotion(5, 0, 3), Rule.Next(History.View(StudyDirection.Maximize, six), new HashSet<int> { 0, 1, 2, 3, 4, 5 }));
    }

    [Fact]
    public void Next_HigherRungCanPromote_GoesBeforeLowerRungs()
    {
        var trials = new List<FrozenTrial> { AtRung1(0, 0.9, 0.6), AtRung1(1, 0.8, 0.7), AtRung1(2, 0.85, 0.5) };
        for (var i = 3; i < 9; i++)
            trials.Add(AtRung0(i, 0.1 * (i - 3)));   // 0.0 … 0.5: rung 0 has 9, top 3 are 0, 2, 1 (promoted)

        var promotion = Rule.Next(History.View(StudyDirection.Maximize, [.. trials]), trials.Select(t => t.Number).ToHashSet());

        Assert.Equal(new Promotion(1, 1, 9), promotion);
    }

    [Fact]
    public void Next_BestIsRunningOrNotPaused_TakesTheNextPausedOneInTheTopOnly()
    {
        var trials = Enumerable.Range(0, 6).Select(i => AtRung0(i, i)).ToArray(); // top two: 5, 4

        Assert.Equal(4, Rule.Next(History.View(StudyDirection.Maximize, trials), new HashSet<int> { 0, 1, 2, 3, 4 })!.TrialNumber);
        Assert.Null(Rule.Next(History.View(StudyDirection.Maximize, trials), new HashSet<int> { 0, 1, 2, 3 }));
        // Minimising, the top two are 0 and 1.
        Assert.Equal(0, Rule.Next(History.View(StudyDirection.Minimize, trials), new HashSet<int> { 0, 1, 2, 3, 4, 5 })!.TrialNumber);
    }

    [Fact]
    public void NextStop_AfterTheLastRung_IsTheFullRun()
    {
        Assert.Equal(1, Rule.NextStop(0));
        Assert.Equal(3, Rule.NextStop(1));
        Assert.Equal(9, Rule.NextStop(3));
        Assert.Equal(1, Rule.HighestRung(AtRung1(0, 0, 0)));
        Assert.Equal(-1, Rule.HighestRung(History.Trial(0, TrialState.Running)));
    }
}
