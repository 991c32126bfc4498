using HoMM.Core.Importance;
using HoMM.Core.Numerics;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Importance;

public class ParameterImportanceTests
{
    private static readonly SearchSpaceDefinition ThreeFloats = new(
    [
        new ParameterSpec("x1", new FloatDistribution(0, 1)),
        new ParameterSpec("x2", new FloatDistribution(0, 1)),
        new ParameterSpec("x3", new FloatDistribution(1e-4, 1, log: true)),
    ]);

    private static List<FrozenTrial> Trials(SearchSpaceDefinition space, int count, int seed, Func<Dictionary<string, object>, Rng, double?> objective)
    {
        var rng = new Rng((ulong)seed);
        var trials = new List<FrozenTrial>();
        for (var i = 0; i < count; i++)
        {
            var p = new Dictionary<string, object>(StringComparer.Ordinal);
            var d = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            foreach (var spec in space.Parameters)
            {
                if (!space.IsActive(spec, p))
                    continue;
                var u = rng.NextDouble();
                object value = spec.Distribution switch
                {
                    FloatDistribution { Log: true } f => Math.Exp(Math.Log(f.Low) + u * (Math.Log(f.High) - Math.Log(f.Low))),
                    FloatDistribution f => f.Low + u * (f.High - f.Low),
                    IntDistribution n => n.Low + (long)(u * (n.High - n.Low + 1)),
                    CategoricalDistribution c => c.Choices[(int)(u * c.Choices.Count)],
                    _ => throw new NotSupportedException(),
                };
                p[spec.Name] = value;
                d[spec.Name] = spec.Distribution;
            }
            var y = objective(p, rng);
            trials.Add(new FrozenTrial(i, i, y is null ? TrialState.Fail : TrialState.Complete, y, p, d, new Dictionary<long, double>()));
        }
        return trials;
    }

    private static double X(Dictionary<string, object> p, string name) => Convert.ToDouble(p[name], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Evaluate_StrongWeakAndNoEffect_RanksThemAndGivesNoEffectAboutZero()
    {
        var trials = Trials(ThreeFloats, 200, 1, (p, r) => 10 * X(p, "x1") + 0.1 * X(p, "x2") + 0.05 * r.NextGaussian());

        var importance = ParameterImportance.Evaluate(trials, ThreeFloats, seed: 0);

        Assert.Equal(["x1", "x2", "x3"], importance.Keys);
        Assert.True(importance["x1"] > 0.95, $"x1: {importance["x1"]:g3}");
        Assert.True(importance["x3"] < 0.02, $"x3 (no effect): {importance["x3"]:g3}");
        Assert.Equal(1.0, importance.Values.Sum(), 9);
    }

    [Fact]
    public void Evaluate_AdditiveFunction_SharesMatchVarianceRatio()
    {
        // y = x1 + 2·x2 over uniform inputs: Var = 1/12 + 4/12, so the shares are 0.2 and 0.8.
        var trials = Trials(ThreeFloats, 400, 2, (p, _) => X(p, "x1") + 2 * X(p, "x2"));

        var importance = ParameterImportance.Evaluate(trials, ThreeFloats, seed: 1);

        Assert.Equal(0.2, importance["x1"], 1);
        Assert.Equal(0.8, importance["x2"], 1);
    }

    [Fact]
    public void Evaluate_CategoricalAndConditional_AreHandled()
    {
        var space = new SearchSpaceDefinition(
        [
            new ParameterSpec("opt", new CategoricalDistribution(["adam", "sgd", "lion"])),
            new ParameterSpec("momentum", new FloatDistribution(0, 1), new Condition("opt", ["sgd"])),
            new ParameterSpec("layers", new IntDistribution(1, 8)),
        ]);
        var trials = Trials(space, 300, 3, (p, _) =>
            ((string)p["opt"] == "lion" ? 5.0 : 0.0) + (p.TryGetValue("momentum", out var m) ? 2 * Convert.ToDouble(m, System.Globalization.CultureInfo.InvariantCulture) : 0.0));

        var importance = ParameterImportance.Evaluate(trials, space, seed: 0);

        Assert.Equal("opt", importance.Keys.First());
        Assert.True(importance["momentum"] > 0.02, $"momentum: {importance["momentum"]:g3}");
        Assert.True(importance["layers"] < 0.02, $"layers (no effect): {importance["layers"]:g3}");
    }

    [Fact]
    public void Evaluate_SameSeed_SameResult()
    {
        var trials = Trials(ThreeFloats, 60, 4, (p, r) => X(p, "x1") * X(p, "x2") + 0.1 * r.NextGaussian());

        Assert.Equal(ParameterImportance.Evaluate(trials, ThreeFloats, seed: 5), ParameterImportance.Evaluate(trials, ThreeFloats, seed: 5));
        Assert.NotEqual(ParameterImportance.Evaluate(trials, ThreeFloats, seed: 5)["x1"], ParameterImportance.Evaluate(trials, ThreeFloats, seed: 6)["x1"]);
    }

    [Fact]
    public void Evaluate_ConstantObjectiveOrFailedTrials_GivesZeros()
    {
        var constant = Trials(ThreeFloats, 30, 5, (_, _) => 1.0);
        var failed = Trials(ThreeFloats, 30, 5, (_, _) => null);

        Assert.All(ParameterImportance.Evaluate(constant, ThreeFloats).Values, v => Assert.Equal(0.0, v));
        Assert.All(ParameterImportance.Evaluate(failed, ThreeFloats).Values, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Evaluate_UnknownParameter_ThrowsNamingTheSpace()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ParameterImportance.Evaluate([], ThreeFloats, new ImportanceOptions { Parameters = ["x9"] }));
        Assert.Contains("x1, x2, x3", e.Message, StringComparison.Ordinal);
    }
}
