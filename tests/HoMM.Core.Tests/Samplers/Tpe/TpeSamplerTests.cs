using HoMM.Core.Samplers;
using HoMM.Core.Samplers.Tpe;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Samplers.Tpe;

public class TpeSamplerTests
{
    private static SearchSpaceDefinition QuadraticSpace() => Spaces.Of(
        new ParameterSpec("x", new FloatDistribution(-5, 5)),
        new ParameterSpec("y", new FloatDistribution(-5, 5)),
        new ParameterSpec("lr", new FloatDistribution(1e-5, 1, log: true)),
        new ParameterSpec("n", new IntDistribution(0, 40)));

    /// <summary>Minimum 0 at x = 1.2, y = −0.7, lr = 1e-3, n = 17.</summary>
    private static double Quadratic(IReadOnlyDictionary<string, object> p) =>
        Math.Pow((double)p["x"] - 1.2, 2)
        + Math.Pow((double)p["y"] + 0.7, 2)
        + Math.Pow(Math.Log10((double)p["lr"]) + 3, 2)
        + Math.Pow(((long)p["n"] - 17) / 8.0, 2);

    private static double BestAfter(ISampler sampler, SearchSpaceDefinition space, Func<IReadOnlyDictionary<string, object>, double> f, int trials)
    {
        var study = new Study(space, StudyDirection.Minimize, sampler);
        for (var i = 0; i < trials; i++)
        {
            var t = study.Ask();
            study.Tell(t.Number, f(t.Params));
        }
        return study.BestTrial!.Value!.Value;
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Optimize_Quadratic60Trials_BeatsRandomOnEverySeedMedian(bool multivariate, bool group)
    {
        var seeds = Enumerable.Range(100, 8).ToArray();
        var tpe = seeds.Select(s => BestAfter(new TpeSampler(new TpeSamplerOptions { Seed = s, Multivariate = multivariate, Group = group }), QuadraticSpace(), Quadratic, 60)).ToList();
        var random = seeds.Select(s => BestAfter(new RandomSampler(s), QuadraticSpace(), Quadratic, 60)).ToList();

        Assert.True(Median(tpe) < 0.5 * Median(random), $"TPE median best {Median(tpe):F3}, random {Median(random):F3}");
    }

    [Fact]
    public void Optimize_Maximize_FindsTheMaximum()
    {
        var seeds = Enumerable.Range(0, 6).ToArray();
        var space = Spaces.Of(new ParameterSpec("x", new FloatDistribution(0, 10)));
        var bests = seeds.Select(s =>
        {
            var study = new Study(space, StudyDirection.Maximize, new TpeSampler(new TpeSamplerOptions { Seed = s }));
            for (var i = 0; i < 40; i++)
            {
                var t = study.Ask();
                study.Tell(t.Number, -Math.Abs((double)t.Params["x"] - 7.5));
            }
            return (double)study.BestTrial!.Params["x"];
        });

        Assert.All(bests, x => Assert.InRange(x, 7.2, 7.8));
    }

    [Fact]
    public void Optimize_CategoricalAndConditional_PicksTheBestBranch()
    {
        var space = Spaces.Of(
            new ParameterSpec("opt", new CategoricalDistribution(["sgd", "adam", "lion", "rmsprop"])),
            new ParameterSpec("momentum", new FloatDistribution(0, 1), new Condition("opt", ["sgd"])),
            new ParameterSpec("beta2", new FloatDistribution(0.9, 0.9999), new Condition("opt", ["adam"])));
        double F(IReadOnlyDictionary<string, object> p) => (string)p["opt"] switch
        {
            "adam" => Math.Abs((double)p["beta2"] - 0.99),
            "sgd" => 0.5 + Math.Abs((double)p["momentum"] - 0.9),
            _ => 1.0,
        };

        foreach (var seed in new[] { 1, 2, 3 })
        {
            var study = new Study(space, StudyDirection.Minimize, new TpeSampler(new TpeSamplerOptions { Seed = seed }));
            for (var i = 0; i < 50; i++)
            {
                var t = study.Ask();
                study.Tell(t.Number, F(t.Params));
            }
            var last = study.Trials.Skip(30).Count(t => (string)t.Params["opt"] == "adam");
            Assert.True(last >= 12, $"seed {seed}: only {last} of the last 20 trials used the best branch");
        }
    }

    [Fact]
    public void Ask_ConstantLiar_SpreadsParallelAsksThatWouldOtherwiseCoincide()
    {
        // Without liar every parallel ask sees the same history and piles onto the best value;
        // with it, running trials count as bad and push later asks elsewhere.
        var space = Spaces.Of(new ParameterSpec("k", new IntDistribution(0, 30)));
        int DistinctParallel(bool liar)
        {
            var study = new Study(space, StudyDirection.Minimize,
                new TpeSampler(new TpeSamplerOptions { Seed = 5, ConstantLiar = liar }),
                options: new StudyOptions { Proposal = new ProposalOptions { AvoidDuplicatesOfRunningTrials = false } });
            for (var i = 0; i < 30; i++)
            {
                var t = study.Ask();
                study.Tell(t.Number, Math.Abs((long)t.Params["k"] - 12));
            }
            return Enumerable.Range(0, 6).Select(_ => (long)study.Ask().Params["k"]).Distinct().Count();
        }

        var withLiar = DistinctParallel(liar: true);
        var without = DistinctParallel(liar: false);

        Assert.True(withLiar >= 5, $"constant liar gave {withLiar} distinct values of 6");
        Assert.True(withLiar > without, $"with liar {withLiar}, without {without}");
    }

    [Fact]
    public void Ask_BeforeStartupTrialsFinish_SamplesUniformly()
    {
        // Running (unfinished) trials do not count towards n_startup_trials.
        var space = Spaces.Of(new ParameterSpec("x", new FloatDistribution(0, 1)));
        var study = new Study(space, StudyDirection.Minimize, new TpeSampler(new TpeSamplerOptions { Seed = 1, NStartupTrials = 3 }));
        var xs = Enumerable.Range(0, 300).Select(_ => (double)study.Ask().Params["x"]).ToList();

        Assert.InRange(xs.Count(x => x < 0.5), 120, 180);
    }

    [Fact]
    public void Ask_PrunedTrialsThatGotFurther_CountAsGood()
    {
        // Completed trials are all poor; the pruned trial that reached step 9 sat at x ≈ 0.8. With
        // gamma taking more trials than completed ones, the below set takes the furthest pruned trial.
        var space = Spaces.Of(new ParameterSpec("x", new FloatDistribution(0, 1)));
        var options = new TpeSamplerOptions { Seed = 3, NStartupTrials = 0, Gamma = _ => 3 };
        var history = new List<FrozenTrial>();
        for (var i = 0; i < 2; i++)
            history.Add(Finished(i, TrialState.Complete, 0.1 + 0.05 * i, 1.0));
        history.Add(Finished(2, TrialState.Pruned, 0.8, 0.5, lastStep: 9));
        for (var i = 3; i < 20; i++)
            history.Add(Finished(i, TrialState.Pruned, 0.05 * (i - 3) % 0.6, 0.9, lastStep: 1));
        var study = new Study(space, StudyDirection.Minimize, new TpeSampler(options), trials: history);

        var xs = Enumerable.Range(0, 20).Select(_ => (double)study.Ask().Params["x"]).ToList();

        Assert.True(xs.Count(x => x > 0.65) >= 8, string.Join(", ", xs.Select(x => x.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))));
    }

    private static FrozenTrial Finished(int number, TrialState state, double x, double value, long lastStep = 0)
    {
        var distribution = new FloatDistribution(0, 1);
        var steps = Enumerable.Range(0, (int)lastStep + 1).ToDictionary(s => (long)s, _ => value);
        return new FrozenTrial(number, number, state, state == TrialState.Complete ? value : null,
            new Dictionary<string, object> { ["x"] = x },
            new Dictionary<string, Distribution> { ["x"] = distribution },
            steps);
    }

    [Fact]
    public void DefaultGamma_IsFifteenPercentRoundedUpCappedAt25()
    {
        Assert.Equal([0, 1, 2, 3, 4, 15, 25, 25, 25], new[] { 0, 1, 10, 20, 21, 100, 166, 167, 1000 }.Select(TpeSamplerOptions.DefaultGamma));
    }

    /// <summary>
    /// Good trials around (3, 3) and (−3, −3), equally many, and poor ones scattered point-symmetrically
    /// (so one parameter alone favours neither sign): x and y are only good together.
    /// </summary>
    private static List<FrozenTrial> TwoDiagonalBasins()
    {
        var rng = new Random(11);
        var distributions = new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(-5, 5), ["y"] = new FloatDistribution(-5, 5) };
        var history = new List<FrozenTrial>();
        void Add(double x, double y, double value) => history.Add(new FrozenTrial(history.Count, history.Count, TrialState.Complete, value,
            new Dictionary<string, object> { ["x"] = x, ["y"] = y }, distributions, new Dictionary<long, double>()));
        for (var i = 0; i < 40; i++)
        {
            var sign = i % 2 == 0 ? 1 : -1;
            if (i < 8)
                Add(sign * (3 + 0.4 * (rng.NextDouble() - 0.5)), sign * (3 + 0.4 * (rng.NextDouble() - 0.5)), 0.1 * rng.NextDouble());
            else if (i % 2 == 0)
                Add(10 * rng.NextDouble() - 5, 10 * rng.NextDouble() - 5, 5 + rng.NextDouble());
            else
                Add(-(double)history[^1].Params["x"], -(double)history[^1].Params["y"], 5 + rng.NextDouble());
        }
        return history;
    }

    private static SearchSpaceDefinition Square() =>
        Spaces.Of(new ParameterSpec("x", new FloatDistribution(-5, 5)), new ParameterSpec("y", new FloatDistribution(-5, 5)));

    private static List<IReadOnlyDictionary<string, object>> Proposals(TpeSamplerOptions options, List<FrozenTrial> history) =>
        Enumerable.Range(0, 60).Select(seed =>
            new Study(Square(), StudyDirection.Minimize, new TpeSampler(options with { Seed = seed, Gamma = _ => 8 }), trials: history).Ask().Params).ToList();

    private static double ShareOnTheDiagonalBasins(TpeSamplerOptions options)
    {
        var proposals = Proposals(options, TwoDiagonalBasins());
        return proposals.Count(p => Math.Sign((double)p["x"]) == Math.Sign((double)p["y"])) / (double)proposals.Count;
    }

    [Fact]
    public void Ask_Defaults_ModelParametersJointly()
    {
        // One at a time, x and y each look good at ±3, so about half the proposals pair +3 with −3;
        // the default (multivariate) model keeps the pairs that were good together.
        var joint = ShareOnTheDiagonalBasins(new TpeSamplerOptions());
        var independent = ShareOnTheDiagonalBasins(new TpeSamplerOptions { Multivariate = false });

        Assert.True(joint >= 0.9, $"default TPE: {joint:P0} of proposals in a good quadrant");
        Assert.True(independent < joint - 0.15, $"univariate {independent:P0}, multivariate {joint:P0}");
    }

    [Fact]
    public void Ask_SmallerBandwidthFactor_ProposesCloserToTheGoodTrials()
    {
        var history = TwoDiagonalBasins();
        var good = history.Where(t => t.Value < 1).ToList();
        double MedianDistance(double factor) => Median(Proposals(new TpeSamplerOptions { BandwidthFactor = factor }, history).Select(p =>
            good.Min(t => Math.Sqrt(Math.Pow((double)p["x"] - (double)t.Params["x"], 2) + Math.Pow((double)p["y"] - (double)t.Params["y"], 2)))));

        var narrow = MedianDistance(0.05);
        var wide = MedianDistance(0.4);

        Assert.True(narrow < 0.5 * wide, $"median distance to the nearest good trial: factor 0.05 → {narrow:F3}, 0.4 → {wide:F3}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_BandwidthFactorOutsideZeroToOne_Throws(double factor) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TpeSampler(new TpeSamplerOptions { BandwidthFactor = factor }));

    [Fact]
    public void DefaultWeights_FadeOldTrialsLinearlyAndKeepNewest25AtOne()
    {
        Assert.All(TpeSamplerOptions.DefaultWeights(25), w => Assert.Equal(1.0, w));
        var w = TpeSamplerOptions.DefaultWeights(100);
        Assert.Equal(0.01, w[0], 12);
        Assert.Equal(1.0, w[74], 12);
        Assert.All(w.Skip(75), x => Assert.Equal(1.0, x));
        Assert.True(w.Zip(w.Skip(1)).All(p => p.First <= p.Second));
    }

    [Fact]
    public void Constructor_GroupWithoutMultivariate_Throws() =>
        Assert.Throws<ArgumentException>(() => new TpeSampler(new TpeSamplerOptions { Multivariate = false, Group = true }));
}
