using HoMM.Core.Pruners;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Pruners;

/// <summary>Hyperband brackets of promotion-based successive halving (η = 3, min 1, full run 27).</summary>
public class HyperbandPromotionTests
{
    private static readonly HyperbandPromotion Rule = new(minResource: 1, reductionFactor: 3, maxResource: 27);

    [Fact]
    public void Brackets_StartEtaTimesFurtherEach_TheLastRunsInFull()
    {
        Assert.Equal([[1L, 3L, 9L], [3L, 9L], [9L], []], Rule.Brackets.Select(b => b.Rungs.ToArray()));
    }

    [Fact]
    public void BracketOf_IsTheStoppingHyperbandsBracket()
    {
        var pruner = new HyperbandPruner(new HyperbandPrunerOptions { MinResource = 1, MaxResource = 27, ReductionFactor = 3 });
        pruner.ShouldPrune(History.View(), History.Trial(0, TrialState.Running)); // builds its brackets

        Assert.All(Enumerable.Range(0, 200), n => Assert.Equal(pruner.BracketOf(n), Rule.BracketOf(n)));
        // Hyperband's split sends most trials to the most aggressive bracket.
        Assert.True(Enumerable.Range(0, 200).Count(n => Rule.BracketOf(n) == 0) > Enumerable.Range(0, 200).Count(n => Rule.BracketOf(n) == 3));
    }

    [Fact]
    public void NextStop_FollowsTheTrialsBracket()
    {
        var inBracket1 = Enumerable.Range(0, 100).First(n => Rule.BracketOf(n) == 1);
        var inBracket3 = Enumerable.Range(0, 100).First(n => Rule.BracketOf(n) == 3);

        Assert.Equal(3, Rule.NextStop(inBracket1, -1));
        Assert.Equal(9, Rule.NextStop(inBracket1, 3));
        Assert.Equal(27, Rule.NextStop(inBracket1, 9));
        Assert.Equal(27, Rule.NextStop(inBracket3, -1));
    }

    [Fact]
    public void Next_OnlyTrialsOfTheSameBracketCompete_AndTheHigherRungStepGoesFirst()
    {
        // Three trials of bracket 0 at its rung 1 (step 1), three of bracket 1 at its first rung (step 3).
        var b0 = Enumerable.Range(0, 300).Where(n => Rule.BracketOf(n) == 0).Take(3).ToArray();
        var b1 = Enumerable.Range(0, 300).Where(n => Rule.BracketOf(n) == 1).Take(3).ToArray();
        var trials = b0.Select((n, i) => History.Trial(n, TrialState.Running, (1, 0.1 * i)))
            .Concat(b1.Select((n, i) => History.Trial(n, TrialState.Running, (3, 0.5 + 0.1 * i))))
            .ToArray();
        var paused = trials.Select(t => t.Number).ToHashSet();

        // Maximising: bracket 1's best (0.7 at step 3) before bracket 0's best (0.2 at step 1).
        Assert.Equal(new Promotion(b1[2], 0, 9), Rule.Next(History.View(StudyDirection.Maximize, trials), paused));
        paused.Remove(b1[2]);
        Assert.Equal(new Promotion(b0[2], 0, 3), Rule.Next(History.View(StudyDirection.Maximize, trials), paused));
        // Bracket 0 alone: only its own three compete, so nothing else is promotable.
        paused.Remove(b0[2]);
        Assert.Null(Rule.Next(History.View(StudyDirection.Maximize, trials), paused));
    }
}
