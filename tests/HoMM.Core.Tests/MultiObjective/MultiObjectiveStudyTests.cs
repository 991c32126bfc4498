using HoMM.Core.MultiObjective;
using HoMM.Core.Pruners;
using HoMM.Core.Samplers;
using HoMM.Core.Samplers.Nsga2;
using HoMM.Core.Samplers.Tpe;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.MultiObjective;

public class MultiObjectiveStudyTests
{
    private static readonly StudyDirection[] MinMin = [StudyDirection.Minimize, StudyDirection.Minimize];

    private static SearchSpaceDefinition Unit(int n) =>
        new([.. Enumerable.Range(0, n).Select(i => new ParameterSpec($"x{i}", new FloatDistribution(0, 1)))]);

    /// <summary>ZDT1 (Zitzler, Deb, Thiele 2000): a convex front f2 = 1 − √f1 at g = 1.</summary>
    private static double[] Zdt1(FrozenTrial t, int n)
    {
        var x = Enumerable.Range(0, n).Select(i => (double)t.Params[$"x{i}"]).ToArray();
        var g = 1 + 9 * x.Skip(1).Sum() / (n - 1);
        return [x[0], g * (1 - Math.Sqrt(x[0] / g))];
    }

    private static double RunZdt1(ISampler sampler, int trials, int dims = 6)
    {
        var study = new Study(Unit(dims), MinMin, sampler);
        for (var i = 0; i < trials; i++)
        {
            var t = study.Ask();
            study.Tell(t.Number, Zdt1(t, dims));
        }
        var front = study.ParetoFront.Select(t => t.Values!.ToArray()).ToList();
        return Hypervolume.Compute(front, [1.1, 11]);
    }

    [Fact]
    public void Tell_ValuesOfAMultiObjectiveStudy_KeepsThemAndTheFirstAsValue()
    {
        var study = new Study(Unit(1), [StudyDirection.Maximize, StudyDirection.Minimize], new RandomSampler(1));
        var t = study.Ask();
        var done = study.Tell(t.Number, [0.9, 1200.0]);
        Assert.Equal(TrialState.Complete, done.State);
        Assert.Equal([0.9, 1200.0], done.Values);
        Assert.Equal(0.9, done.Value);
        Assert.Equal([StudyDirection.Maximize, StudyDirection.Minimize], study.Snapshot().Directions);
    }

    [Fact]
    public void Tell_WrongCountOrNaN_IsRefusedOrFails()
    {
        var study = new Study(Unit(1), MinMin, new RandomSampler(1));
        var t = study.Ask();
        var error = Assert.Throws<ArgumentException>(() => study.Tell(t.Number, [1.0]));
        Assert.Contains("1 values told to a study with 2 objectives", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => study.Tell(t.Number, TrialState.Complete, 1.0));
        var failed = study.Tell(t.Number, [1.0, double.NaN]);
        Assert.Equal(TrialState.Fail, failed.State);
        Assert.Null(failed.Values);
    }

    [Fact]
    public void ParetoFront_MixedTrials_HoldsOnlyNonDominatedCompleteOnes()
    {
        var study = new Study(Unit(1), [StudyDirection.Maximize, StudyDirection.Minimize], new RandomSampler(2));
        double[][] values = [[0.9, 100], [0.8, 50], [0.85, 120], [0.9, 100], [0.7, 40]];
        foreach (var v in values)
            study.Tell(study.Ask().Number, v);
        var pruned = study.Ask();
        study.Report(pruned.Number, 1, 0.99);
        study.Tell(pruned.Number, TrialState.Pruned);
        Assert.Equal([0, 1, 3, 4], study.ParetoFront.Select(t => t.Number));
        var ranks = ParetoFrontRule.Ranks(study.Trials, study.Directions);
        Assert.Equal(1, ranks[2]);
        Assert.False(ranks.ContainsKey(pruned.Number));
    }

    [Fact]
    public void Report_MultiObjectiveStudy_PrunesOnTheFirstObjective()
    {
        var study = new Study(Unit(1), MinMin, new RandomSampler(3), new ThresholdPruner(new ThresholdPrunerOptions { Upper = 5 }));
        var t = study.Ask();
        Assert.False(study.Report(t.Number, 1, 4));
        Assert.True(study.Report(t.Number, 2, 6));
    }

    [Fact]
    public void History_IsNonDecreasingAndEndsAtTheFrontsVolume()
    {
        var study = new Study(Unit(6), MinMin, new RandomSampler(4));
        for (var i = 0; i < 80; i++)
        {
            var t = study.Ask();
            study.Tell(t.Number, Zdt1(t, 6));
        }
        double[] reference = [1.1, 11];
        var history = ParetoFrontRule.History(study.Trials, study.Directions, reference);
        Assert.Equal(80, history.Count);
        Assert.True(history.Zip(history.Skip(1)).All(p => p.Second.Hypervolume >= p.First.Hypervolume));
        var front = study.ParetoFront.Select(t => t.Values!.ToArray()).ToList();
        Assert.Equal(Hypervolume.Compute(front, reference), history[^1].Hypervolume, 9);
    }

    [Fact]
    public void Nsga2_Zdt1_BeatsRandomOnEverySeed()
    {
        for (var seed = 0; seed < 3; seed++)
        {
            var random = RunZdt1(new RandomSampler(seed), 300);
            var nsga = RunZdt1(new Nsga2Sampler(new Nsga2SamplerOptions { Seed = seed, PopulationSize = 20 }), 300);
            Assert.True(nsga > random, $"seed {seed}: NSGA-II {nsga} vs random {random}");
        }
    }

    [Fact]
    public void MultiObjectiveTpe_Zdt1_BeatsRandomOnEverySeed()
    {
        for (var seed = 0; seed < 3; seed++)
        {
            var random = RunZdt1(new RandomSampler(seed), 150);
            var tpe = RunZdt1(new TpeSampler(new TpeSamplerOptions { Seed = seed }), 150);
            Assert.True(tpe > random, $"seed {seed}: MOTPE {tpe} vs random {random}");
        }
    }

    [Fact]
    public void Nsga2_SameSeedAndHistory_ProposesTheSame()
    {
        static List<IReadOnlyDictionary<string, object>> Run() =>
        [
            .. Enumerable.Range(0, 1).SelectMany(_ =>
            {
                var study = new Study(Unit(3), MinMin, new Nsga2Sampler(new Nsga2SamplerOptions { Seed = 7, PopulationSize = 5 }));
                for (var i = 0; i < 25; i++)
                {
                    var t = study.Ask();
                    study.Tell(t.Number, Zdt1(t, 3));
                }
                return study.Trials.Select(t => t.Params);
            }),
        ];
        var a = Run();
        var b = Run();
        Assert.Equal(a.Select(p => string.Join(",", p.Values)), b.Select(p => string.Join(",", p.Values)));
    }

    [Fact]
    public void Nsga2_Constraint_ChildrenThatBreakItAreNeverTrained()
    {
        var constraint = HoMM.Core.Constraints.ConstraintExpression.Parse("x0 + x1 <= 0.8");
        var study = new Study(Unit(3), MinMin, new Nsga2Sampler(new Nsga2SamplerOptions { Seed = 3, PopulationSize = 10 }),
            options: new StudyOptions { Constraints = [constraint] });
        for (var i = 0; i < 60; i++)
        {
            var t = study.Ask();
            Assert.True((double)t.Params["x0"] + (double)t.Params["x1"] <= 0.8 + 1e-12);
            study.Tell(t.Number, Zdt1(t, 3));
        }
    }
}
