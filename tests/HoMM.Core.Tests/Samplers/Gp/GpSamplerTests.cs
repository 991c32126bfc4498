using HoMM.Core.Samplers;
using HoMM.Core.Samplers.Gp;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using static HoMM.Core.Tests.Samplers.CmaEs.SamplerDriver;

namespace HoMM.Core.Tests.Samplers.Gp;

public class GpSamplerTests
{
    private static readonly SearchSpaceDefinition BraninSpace = Space(("x", new FloatDistribution(-5, 10)), ("y", new FloatDistribution(0, 15)));

    private static double Branin(IReadOnlyDictionary<string, object> p)
    {
        double x = D(p, "x"), y = D(p, "y");
        var b = 5.1 / (4 * Math.PI * Math.PI);
        var c = 5 / Math.PI;
        var t = 1 / (8 * Math.PI);
        return Math.Pow(y - b * x * x + c * x - 6, 2) + 10 * (1 - t) * Math.Cos(x) + 10 - 0.397887357729738;
    }

    [Fact]
    public void Branin_40Trials_BeatsRandomOverSeeds()
    {
        var seeds = Enumerable.Range(1, 4).ToArray();

        var gp = seeds.Select(s => BestValue(Optimize(new GpSampler(new GpSamplerOptions { Seed = s, CandidateCount = 256, LocalSearchStarts = 2 }), BraninSpace, Branin, 40))).ToArray();
        var random = seeds.Select(s => BestValue(Optimize(new RandomSampler(s), BraninSpace, Branin, 40))).ToArray();

        Assert.True(Median(gp) < 0.05, $"GP median regret {Median(gp):g3}");
        Assert.True(Median(gp) < Median(random) / 5, $"GP {Median(gp):g3} vs random {Median(random):g3}");
        Assert.True(gp.Count(g => g < 0.1) >= 3, $"GP regrets {string.Join(", ", gp)}");
    }

    [Fact]
    public void MixedSpace_ProposalsInDistribution_AndCategoriesLearned()
    {
        var space = Space(
            ("lr", new FloatDistribution(1e-5, 1e-1, log: true)),
            ("layers", new IntDistribution(1, 8)),
            ("width", new IntDistribution(16, 256, log: true)),
            ("drop", new FloatDistribution(0, 0.5, step: 0.1)),
            ("act", new CategoricalDistribution(["relu", "gelu", "tanh"])));
        double F(IReadOnlyDictionary<string, object> p) =>
            Math.Pow(Math.Log10(D(p, "lr")) + 3, 2) + 0.1 * Math.Abs(D(p, "layers") - 3) + ((string)p["act"] == "gelu" ? 0 : 1) + D(p, "drop");
        var sampler = new GpSampler(new GpSamplerOptions { Seed = 1, CandidateCount = 256 });

        var study = Optimize(sampler, space, F, 30);
        for (var k = 0; k < 5; k++)
        {
            var proposal = sampler.SampleRelative(study.Snapshot(), Pending(100 + k));
            Assert.Equal(5, proposal.Count);
            foreach (var (name, value) in proposal)
                Assert.True(space.Find(name)!.Distribution.Contains(value), $"{name} = {value} is outside {space.Find(name)!.Distribution}");
        }
        var late = study.Trials.Skip(20).Count(t => (string)t.Params["act"] == "gelu");
        Assert.True(late >= 6, $"only {late} of the last 10 trials used the better activation");
    }

    [Fact]
    public void SameSeedAndHistory_SameProposal_EvenFromARebuiltStudy()
    {
        static Study Run(int seed) => Optimize(new GpSampler(new GpSamplerOptions { Seed = seed, CandidateCount = 128 }), BraninSpace, Branin, 14);

        var a = Run(3);
        var b = Run(3);
        Assert.Equal(a.Trials.Select(t => t.Params["x"]), b.Trials.Select(t => t.Params["x"]));

        var resumed = new Study(BraninSpace, StudyDirection.Minimize, new GpSampler(new GpSamplerOptions { Seed = 3, CandidateCount = 128 }), trials: a.Trials);
        Assert.Equal(a.Ask().Params, resumed.Ask().Params);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RunningTrial_PushesTheNextProposalElsewhere(int seed)
    {
        // Early on, with the model still uncertain: without the running trial as a fantasy, both
        // asks would climb to the same EI maximum.
        var space = Space(("x", new FloatDistribution(0, 1)), ("y", new FloatDistribution(0, 1)));
        var sampler = new GpSampler(new GpSamplerOptions { Seed = seed, NStartupTrials = 5, CandidateCount = 256, DeterministicObjective = true });
        var study = Optimize(sampler, space, p => Math.Pow(D(p, "x") - 0.37, 2) + Math.Pow(D(p, "y") - 0.6, 2), 5);

        var first = study.Ask();   // left running
        var second = study.Ask();  // must account for the first as pending

        var distance = Math.Sqrt(Math.Pow(D(first.Params, "x") - D(second.Params, "x"), 2) + Math.Pow(D(first.Params, "y") - D(second.Params, "y"), 2));
        Assert.True(distance > 0.02, $"two parallel asks proposed nearly the same point ({distance:g3} apart)");
    }

    [Fact]
    public void ConditionalParameters_ComeFromTheIndependentSampler()
    {
        var space = new SearchSpaceDefinition(
        [
            new ParameterSpec("x", new FloatDistribution(0, 1)),
            new ParameterSpec("opt", new CategoricalDistribution(["adam", "sgd"])),
            new ParameterSpec("momentum", new FloatDistribution(0, 0.99), new Condition("opt", ["sgd"])),
        ]);
        var sampler = new GpSampler(new GpSamplerOptions { Seed = 2, NStartupTrials = 4, CandidateCount = 64 });

        var study = Optimize(sampler, space, p => D(p, "x"), 12);

        Assert.Equal(["opt", "x"], sampler.SampleRelative(study.Snapshot(), Pending(12)).Keys.Order());
        Assert.All(study.Trials, t => Assert.Equal((string)t.Params["opt"] == "sgd", t.Params.ContainsKey("momentum")));
    }

    private static FrozenTrial Pending(int number) => new(
        number, number, TrialState.Running, null,
        new Dictionary<string, object>(), new Dictionary<string, Distribution>(), new Dictionary<long, double>());
}
