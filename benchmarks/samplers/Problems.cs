using System.Globalization;
using HoMM.Core.Numerics;
using HoMM.Core.SearchSpace;

namespace HoMM.Benchmarks.Samplers;

/// <summary>
/// One benchmark function (minimised): its search space, the noise-free value, an observed
/// (possibly noisy) value, the known optimum, and the regret that counts as "reached".
/// </summary>
public sealed record Problem(
    string Name,
    SearchSpaceDefinition Space,
    Func<IReadOnlyDictionary<string, object>, double> TrueValue,
    double NoiseSd,
    double Optimum,
    double Target)
{
    /// <summary>The value a trial reports: the true value plus N(0, NoiseSd²) noise drawn from (seed, trial number).</summary>
    public double Observe(IReadOnlyDictionary<string, object> p, int seed, int trialNumber) =>
        NoiseSd == 0 ? TrueValue(p) : TrueValue(p) + NoiseSd * Rng.Derive(seed, trialNumber, 0x401).NextGaussian();
}

public static class Problems
{
    public static IReadOnlyList<Problem> All => [Branin(), Hartmann6(), Rosenbrock4Log(), Mixed(), HommSurrogate()];

    private static double D(IReadOnlyDictionary<string, object> p, string name) => Convert.ToDouble(p[name], CultureInfo.InvariantCulture);

    private static SearchSpaceDefinition Space(params ParameterSpec[] parameters) => new(parameters);

    /// <summary>Branin–Hoo on [−5, 10] × [0, 15]; three global minima of 0.397887.</summary>
    public static Problem Branin() => new(
        "branin",
        Space(new("x1", new FloatDistribution(-5, 10)), new("x2", new FloatDistribution(0, 15))),
        p =>
        {
            double x = D(p, "x1"), y = D(p, "x2");
            var b = 5.1 / (4 * Math.PI * Math.PI);
            var c = 5 / Math.PI;
            var t = 1 / (8 * Math.PI);
            return Math.Pow(y - b * x * x + c * x - 6, 2) + 10 * (1 - t) * Math.Cos(x) + 10;
        },
        NoiseSd: 0, Optimum: 0.397887357729738, Target: 0.01);

    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] HartmannA =
    {
        { 10, 3, 17, 3.5, 1.7, 8 },
        { 0.05, 10, 17, 0.1, 8, 14 },
        { 3, 3.5, 1.7, 10, 17, 8 },
        { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] HartmannP =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 },
        { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 },
        { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    /// <summary>Hartmann 6-D on [0, 1]⁶; minimum −3.32237.</summary>
    public static Problem Hartmann6() => new(
        "hartmann6",
        Space(Enumerable.Range(0, 6).Select(i => new ParameterSpec($"x{i}", new FloatDistribution(0, 1))).ToArray()),
        p =>
        {
            var x = Enumerable.Range(0, 6).Select(i => D(p, $"x{i}")).ToArray();
            var s = 0.0;
            for (var i = 0; i < 4; i++)
            {
                var inner = 0.0;
                for (var j = 0; j < 6; j++)
                    inner += HartmannA[i, j] * Math.Pow(x[j] - HartmannP[i, j], 2);
                s += HartmannAlpha[i] * Math.Exp(-inner);
            }
            return -s;
        },
        NoiseSd: 0, Optimum: -3.322368011415515, Target: 0.1);

    /// <summary>
    /// Rosenbrock in 4-D over log-scaled parameters p ∈ [10⁻², 10²]: z = log10 p ∈ [−2, 2], the
    /// minimum 0 at p = 10 (z = 1). A sampler that ignores the log scale wastes most trials.
    /// </summary>
    public static Problem Rosenbrock4Log() => new(
        "rosenbrock4-log",
        Space(Enumerable.Range(0, 4).Select(i => new ParameterSpec($"p{i}", new FloatDistribution(1e-2, 1e2, log: true))).ToArray()),
        p =>
        {
            var z = Enumerable.Range(0, 4).Select(i => Math.Log10(D(p, $"p{i}"))).ToArray();
            var s = 0.0;
            for (var i = 0; i < 3; i++)
                s += 100 * Math.Pow(z[i + 1] - z[i] * z[i], 2) + Math.Pow(1 - z[i], 2);
            return s;
        },
        NoiseSd: 0, Optimum: 0, Target: 0.5);

    private static readonly string[] MixedChoices = ["a", "b", "c", "d"];
    private static readonly double[] MixedShift = [-2.0, 1.3, 3.0, 0.0];
    private static readonly double[] MixedOffset = [1.0, 0.0, 0.5, 2.0];

    /// <summary>
    /// Mixed integer/categorical: x ∈ [−5, 5], n ∈ {1..20}, k ∈ {0, 4, …, 64}, c ∈ {a, b, c, d};
    /// the best x depends on c. Minimum 0 at c = b, x = 1.3, n = 7, k = 24.
    /// </summary>
    public static Problem Mixed() => new(
        "mixed-int-cat",
        Space(
            new("x", new FloatDistribution(-5, 5)),
            new("n", new IntDistribution(1, 20)),
            new("k", new IntDistribution(0, 64, step: 4)),
            new("c", new CategoricalDistribution(MixedChoices))),
        p =>
        {
            var c = Array.IndexOf(MixedChoices, (string)p["c"]);
            return Math.Pow(D(p, "x") - MixedShift[c], 2) + 0.075 * Math.Pow(D(p, "n") - 7, 2)
                   + Math.Pow((D(p, "k") - 24) / 8, 2) + MixedOffset[c];
        },
        NoiseSd: 0, Optimum: 0, Target: 0.1);

    /// <summary>
    /// A noisy stand-in for HoMM's validation error over lr, wd (log), order (1–4),
    /// order_expand (1–8) and ffw_expand (1–4): higher order helps more than expansion (as in
    /// the upstream ablation, o2·oe4 beats o1·oe8), the best lr shrinks with the order, large
    /// lr diverges, and size costs a little. Noise sd 0.004 (run-to-run spread of an accuracy).
    /// The regret is that of the true error of the trial with the best observed value.
    /// </summary>
    public static Problem HommSurrogate()
    {
        var space = Space(
            new("lr", new FloatDistribution(1e-5, 1e-1, log: true)),
            new("wd", new FloatDistribution(1e-6, 1e-1, log: true)),
            new("order", new IntDistribution(1, 4)),
            new("order_expand", new IntDistribution(1, 8)),
            new("ffw_expand", new IntDistribution(1, 4)));
        var optimum = double.PositiveInfinity;
        for (var o = 1; o <= 4; o++)
        {
            for (var oe = 1; oe <= 8; oe++)
            {
                for (var fe = 1; fe <= 4; fe++)
                    optimum = Math.Min(optimum, HommArchitectureError(o, oe, fe)); // lr and wd terms vanish at their optimum
            }
        }
        return new Problem("homm-surrogate", space, p =>
        {
            var order = D(p, "order");
            var lr = Math.Log10(D(p, "lr"));
            var wd = Math.Log10(D(p, "wd"));
            var bestLr = -3.0 - 0.15 * (order - 1);
            var lrTerm = 0.02 * Math.Pow(lr - bestLr, 2) + 0.3 * Math.Pow(Math.Max(0, lr + 1.5), 2);
            var wdTerm = 0.004 * Math.Pow(wd + 2, 2);
            return HommArchitectureError(order, D(p, "order_expand"), D(p, "ffw_expand")) + lrTerm + wdTerm;
        }, NoiseSd: 0.004, Optimum: optimum, Target: 0.005);
    }

    private static double HommArchitectureError(double order, double orderExpand, double ffwExpand)
    {
        var capacity = 0.8 * Math.Log2(order) + 0.5 * Math.Log2(orderExpand) + 0.4 * Math.Log2(ffwExpand);
        return 0.08 + 0.12 * Math.Exp(-0.9 * capacity) + 0.004 * order * orderExpand / 8 + (order >= 4 ? 0.01 : 0);
    }
}
