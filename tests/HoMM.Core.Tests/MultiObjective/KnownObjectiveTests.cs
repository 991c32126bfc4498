using HoMM.Core.MultiObjective;
using HoMM.Core.Samplers;
using HoMM.Core.Samplers.Tpe;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.MultiObjective;

/// <summary>Objectives known from the parameters (a model's FLOPs): pending trials rank with them exact and the rest at the worst.</summary>
public class KnownObjectiveTests
{
    private static readonly StudyDirection[] AccuracyAndCost = [StudyDirection.Maximize, StudyDirection.Minimize];
    private static readonly FloatDistribution X = new(0, 1);
    private static readonly SearchSpaceDefinition Space = new([new ParameterSpec("x", X)]);

    // Cost is x itself, known before training; accuracy is only known after.
    private static readonly KnownObjective?[] CostKnown = [null, p => (double)p["x"]];

    private sealed record View(IReadOnlyList<FrozenTrial> Trials, IReadOnlyList<KnownObjective?> Known) : IStudyView
    {
        public StudyDirection Direction => AccuracyAndCost[0];

        public IReadOnlyList<StudyDirection> Directions => AccuracyAndCost;

        public SearchSpaceDefinition SearchSpace => Space;

        public IReadOnlyList<KnownObjective?> KnownObjectives => Known;
    }

    private static FrozenTrial Trial(int number, TrialState state, double? x, double[]? values = null) => new(
        number + 1, number, state, values?[0],
        x is { } v ? new Dictionary<string, object> { ["x"] = v } : new Dictionary<string, object>(),
        x is null ? new Dictionary<string, Distribution>() : new Dictionary<string, Distribution> { ["x"] = X },
        new Dictionary<long, double>(), Values: values);

    [Fact]
    public void Of_KnownObjectiveExactOthersWorst()
    {
        var pending = Trial(5, TrialState.Running, 0.25);
        var worst = PendingLosses.Worst([[-0.9, 0.8], [-0.4, 0.95]])!;

        Assert.Equal([-0.4, 0.95], worst);
        Assert.Equal([-0.4, 0.25], PendingLosses.Of(pending, CostKnown, AccuracyAndCost, worst));
        // A maximised known objective is negated, as every loss is.
        Assert.Equal([-0.25, 0.95], PendingLosses.Of(pending, [p => (double)p["x"], null], AccuracyAndCost, worst));
    }

    /// <summary>
    /// 20 finished trials on one front (accuracy and cost both x, x in [0.4, 1]); TPE's good set is
    /// the middle of it. Five trials are running at x ≈ 0.7: with their cost known they rank
    /// (dominated: no cheaper than finished trials at least as accurate as the worst), join the
    /// "above" side and steer the next proposal away from where they already train; unknown, they
    /// are invisible (constant_liar off) and proposals pile up there.
    /// </summary>
    [Fact]
    public void Tpe_RunningTrialsWithKnownCost_CountAndSteerProposalsAway()
    {
        var trials = new List<FrozenTrial>();
        for (var i = 0; i < 20; i++)
        {
            var x = 0.4 + 0.6 * i / 19.0;
            trials.Add(Trial(i, TrialState.Complete, x, [x, x]));
        }
        for (var i = 0; i < 5; i++)
            trials.Add(Trial(20 + i, TrialState.Running, 0.68 + 0.01 * i));
        var next = Trial(25, TrialState.Waiting, null);

        int Near(IReadOnlyList<KnownObjective?> known)
        {
            var near = 0;
            for (var seed = 0; seed < 60; seed++)
            {
                var proposer = new TrialProposer(new TrialRules(Space) { KnownObjectives = known },
                    // Narrow kernels (the single-objective width) keep the proposals near the good set, where the running trials are.
                    new TpeSampler(new TpeSamplerOptions { Seed = seed, NStartupTrials = 5, BandwidthFactor = 0.1 }),
                    new ProposalOptions { AvoidDuplicatesOfRunningTrials = false });
                if (Math.Abs((double)proposer.Propose(new View(trials, []), next)["x"] - 0.7) < 0.05)
                    near++;
            }
            return near;
        }

        var withKnown = Near(CostKnown);
        var without = Near([]);
        Assert.True(withKnown < without, $"proposals within 0.05 of the running trials: {withKnown} of 60 knowing the cost, {without} without");
        // The cheapest pending trial is different: it ranks on the front whatever its accuracy.
        var worst = PendingLosses.Worst([.. trials.Take(20).Select(t => Pareto.ToLoss(t.Values!, AccuracyAndCost))])!;
        List<double[]> losses = [.. trials.Take(20).Select(t => Pareto.ToLoss(t.Values!, AccuracyAndCost)), PendingLosses.Of(Trial(30, TrialState.Running, 0.02), CostKnown, AccuracyAndCost, worst)];
        Assert.Equal(0, Pareto.Ranks(losses)[^1]);
        Assert.Equal(1, Pareto.Ranks(losses)[0]); // x = 0.4: as accurate as the worst, dearer than 0.02
    }

    [Fact]
    public void Tpe_NoPendingTrials_KnownObjectivesChangeNothing()
    {
        var trials = new List<FrozenTrial>();
        var rng = new Random(3);
        for (var i = 0; i < 30; i++)
        {
            var x = rng.NextDouble();
            trials.Add(Trial(i, TrialState.Complete, x, [Math.Sqrt(x), x]));
        }
        var next = Trial(30, TrialState.Waiting, null);
        for (var seed = 0; seed < 5; seed++)
        {
            double Propose(IReadOnlyList<KnownObjective?> known) => (double)new TrialProposer(new TrialRules(Space) { KnownObjectives = known },
                new TpeSampler(new TpeSamplerOptions { Seed = seed })).Propose(new View(trials, []), next)["x"];
            Assert.Equal(Propose([]), Propose(CostKnown));
        }
    }
}
