using HoMM.Core.Samplers;
using HoMM.Core.Samplers.CmaEs;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using static HoMM.Core.Tests.Samplers.CmaEs.SamplerDriver;

namespace HoMM.Core.Tests.Samplers.CmaEs;

public class CmaEsSamplerTests
{
    private static readonly SearchSpaceDefinition Sphere4 = Space(
        ("x0", new FloatDistribution(-5, 5)), ("x1", new FloatDistribution(-5, 5)),
        ("x2", new FloatDistribution(-5, 5)), ("x3", new FloatDistribution(-5, 5)));

    private static double SphereShifted(IReadOnlyDictionary<string, object> p) =>
        Enumerable.Range(0, 4).Sum(i => Math.Pow(D(p, $"x{i}") - 1.5 + 0.5 * i, 2));

    [Fact]
    public void Sphere4D_120Trials_FarBetterThanRandom()
    {
        var seeds = Enumerable.Range(1, 5).ToArray();

        var cma = seeds.Select(s => BestValue(Optimize(new CmaEsSampler(new CmaEsSamplerOptions { Seed = s }), Sphere4, SphereShifted, 120)));
        var random = seeds.Select(s => BestValue(Optimize(new RandomSampler(s), Sphere4, SphereShifted, 120)));

        var cmaMedian = Median(cma);
        var randomMedian = Median(random);
        Assert.True(cmaMedian < 0.15, $"CMA-ES median best {cmaMedian:g3} should be near 0");
        Assert.True(cmaMedian < randomMedian / 20, $"CMA-ES {cmaMedian:g3} vs random {randomMedian:g3}");
    }

    [Fact]
    public void SeparableCma_AxisAlignedEllipsoid_BeatsFullCovariance()
    {
        // Condition number 1000 along the axes: a diagonal covariance is all it needs, and
        // sep-CMA learns one faster than full CMA learns its n(n+1)/2 entries.
        static double Ellipsoid(IReadOnlyDictionary<string, object> p) =>
            Enumerable.Range(0, 4).Sum(i => Math.Pow(10, i) * Math.Pow(D(p, $"x{i}") - 1, 2));
        double Run(bool separable) => Median(Enumerable.Range(1, 3).Select(s =>
            BestValue(Optimize(new CmaEsSampler(new CmaEsSamplerOptions { Seed = s, UseSeparableCma = separable }), Sphere4, Ellipsoid, 200))));

        var sep = Run(true);
        var full = Run(false);

        Assert.True(sep < 0.3, $"sep-CMA median best {sep:g3}");
        Assert.True(sep < full, $"sep-CMA {sep:g3} vs full CMA {full:g3}");
    }

    [Fact]
    public void IntegerSpace_WithMargin_ReachesInteriorOptimum()
    {
        var space = Space(("a", new IntDistribution(1, 20)), ("b", new IntDistribution(0, 30, step: 3)), ("c", new IntDistribution(1, 64, log: true)));
        double F(IReadOnlyDictionary<string, object> p) =>
            Math.Pow(D(p, "a") - 13, 2) + Math.Pow(D(p, "b") - 9, 2) + Math.Pow(Math.Log2(D(p, "c")) - 3, 2);

        var hits = Enumerable.Range(1, 5).Count(s => BestValue(Optimize(new CmaEsSampler(new CmaEsSamplerOptions { Seed = s }), space, F, 120)) == 0);

        Assert.True(hits >= 4, $"found the optimum in {hits} of 5 runs");
    }

    [Fact]
    public void SampleRelative_MixedScales_EveryValueInItsDistribution()
    {
        var space = Space(
            ("lr", new FloatDistribution(1e-5, 1e-1, log: true)),
            ("drop", new FloatDistribution(0, 0.5, step: 0.05)),
            ("width", new IntDistribution(16, 512, log: true)),
            ("depth", new IntDistribution(2, 14, step: 4)),
            ("x", new FloatDistribution(-1, 1)));
        // An objective pulling towards the corners, so samples keep pressing on the bounds.
        double F(IReadOnlyDictionary<string, object> p) =>
            -Math.Log(D(p, "lr")) + D(p, "drop") - D(p, "width") / 100 + D(p, "depth") - D(p, "x");
        var sampler = new CmaEsSampler(new CmaEsSamplerOptions { Seed = 3, Sigma0 = 0.6 });
        var study = Optimize(sampler, space, F, 60);

        for (var k = 0; k < 40; k++)
        {
            var probe = Pending(1000 + k);
            var proposal = sampler.SampleRelative(study.Snapshot(), probe);
            Assert.Equal(5, proposal.Count);
            foreach (var (name, value) in proposal)
                Assert.True(space.Find(name)!.Distribution.Contains(value), $"{name} = {value} is outside {space.Find(name)!.Distribution}");
        }
    }

    [Fact]
    public void SameSeed_SameTrials_DifferentSeed_DifferentTrials()
    {
        static IEnumerable<string> Run(int seed) =>
            Optimize(new CmaEsSampler(new CmaEsSamplerOptions { Seed = seed }), Sphere4, SphereShifted, 30)
                .Trials.Select(t => string.Join(",", t.Params.Values));

        Assert.Equal(Run(11), Run(11));
        Assert.NotEqual(Run(11), Run(12));
    }

    [Fact]
    public void RebuiltFromStoredTrials_ProposesWhatTheLiveSamplerWould()
    {
        var options = new CmaEsSamplerOptions { Seed = 5, RestartStrategy = CmaEsRestartStrategy.Ipop };
        var live = Optimize(new CmaEsSampler(options), Sphere4, SphereShifted, 37);

        // "Crash": a new sampler and a new study rebuilt from nothing but the trial list.
        var resumed = new Study(Sphere4, StudyDirection.Minimize, new CmaEsSampler(options), trials: live.Trials);

        Assert.Equal(live.Ask().Params, resumed.Ask().Params);
    }

    [Fact]
    public void Maximize_ProposesWhatMinimizingTheNegationWould()
    {
        var space = Space(("x", new FloatDistribution(0, 10)), ("y", new FloatDistribution(0, 10)));
        static double F(IReadOnlyDictionary<string, object> p) => -Math.Pow(D(p, "x") - 8, 2) - Math.Pow(D(p, "y") - 2, 2);

        var up = Optimize(new CmaEsSampler(new CmaEsSamplerOptions { Seed = 1 }), space, F, 80, StudyDirection.Maximize);
        var down = Optimize(new CmaEsSampler(new CmaEsSamplerOptions { Seed = 1 }), space, p => -F(p), 80);

        Assert.Equal(down.Trials.Select(t => t.Params["x"]), up.Trials.Select(t => t.Params["x"]));
        Assert.True(BestValue(up, StudyDirection.Maximize) > -0.2, $"best {BestValue(up, StudyDirection.Maximize):g3}");
    }

    [Fact]
    public void CategoricalAndConditional_ComeFromTheIndependentSampler()
    {
        var space = new SearchSpaceDefinition(
        [
            new ParameterSpec("x", new FloatDistribution(0, 1)),
            new ParameterSpec("y", new FloatDistribution(0, 1)),
            new ParameterSpec("opt", new CategoricalDistribution(["adam", "sgd"])),
            new ParameterSpec("momentum", new FloatDistribution(0, 0.99), new Condition("opt", ["sgd"])),
        ]);
        var sampler = new CmaEsSampler(new CmaEsSamplerOptions { Seed = 2 });
        var study = Optimize(sampler, space, p => D(p, "x") + D(p, "y"), 40);

        var proposal = sampler.SampleRelative(study.Snapshot(), Pending(40));
        Assert.Equal(["x", "y"], proposal.Keys.Order());
        Assert.Equal(2, study.Trials.Select(t => t.Params["opt"]).Distinct().Count());
        Assert.All(study.Trials, t => Assert.Equal((string)t.Params["opt"] == "sgd", t.Params.ContainsKey("momentum")));
    }

    [Fact]
    public void Ipop_ConvergedRun_RestartsWithLargerPopulation()
    {
        var space = Space(("x", new FloatDistribution(0, 1)), ("y", new FloatDistribution(0, 1)));
        var sampler = new CmaEsSampler(new CmaEsSamplerOptions { Seed = 4, RestartStrategy = CmaEsRestartStrategy.Ipop, PopulationSize = 4 });

        // A flat objective: tolfun stops the run once the recent generations all tie.
        var study = Optimize(sampler, space, _ => 1.0, 140);
        var info = sampler.InspectState(study.Snapshot())!;

        Assert.True(info.Restarts >= 1, $"restarts: {info.Restarts}");
        Assert.Equal(4 * (int)Math.Pow(2, info.Restarts), info.PopulationSize);
    }

    [Fact]
    public void StartupTrials_AreIndependentThenCmaTakesOver()
    {
        var sampler = new CmaEsSampler(new CmaEsSamplerOptions { Seed = 1, NStartupTrials = 5 });
        var study = Optimize(sampler, Sphere4, SphereShifted, 4);

        Assert.Empty(sampler.SampleRelative(study.Snapshot(), Pending(4)));
        Assert.Null(sampler.InspectState(study.Snapshot()));
        study.Tell(study.Ask().Number, 1.0);
        Assert.Equal(4, sampler.SampleRelative(study.Snapshot(), Pending(5)).Count);
    }

    [Fact]
    public void Options_OutOfRange_ThrowWithAdvice()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CmaEsSampler(new CmaEsSamplerOptions { Sigma0 = 3 }));
        Assert.Contains("unit-cube", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CmaEsSampler(new CmaEsSamplerOptions { PopulationSize = 1 }));
    }

    private static FrozenTrial Pending(int number) => new(
        number, number, TrialState.Running, null,
        new Dictionary<string, object>(), new Dictionary<string, Distribution>(), new Dictionary<long, double>());
}
