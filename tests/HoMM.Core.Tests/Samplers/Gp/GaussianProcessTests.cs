using HoMM.Core.Numerics;
using HoMM.Core.Samplers.Gp;

namespace HoMM.Core.Tests.Samplers.Gp;

public class GaussianProcessTests
{
    private static double F(double x) => Math.Sin(6 * x) + 0.5 * x;

    [Fact]
    public void Fit_OneDimensionalFunction_MeanInterpolatesAndGeneralises()
    {
        var xs = Enumerable.Range(0, 12).Select(i => i / 11.0).ToArray();
        var gp = GaussianProcess.Fit(xs.Select(x => new[] { x }).ToArray(), xs.Select(F).ToArray(), options: new GaussianProcessOptions { Deterministic = true });

        foreach (var x in xs)
        {
            var (mean, variance) = gp.Predict([x]);
            Assert.Equal(F(x), mean, 3);
            Assert.InRange(variance, 0, 1e-4);
        }
        for (var x = 0.5 / 11; x < 1; x += 1.0 / 11)
            Assert.InRange(Math.Abs(gp.Predict([x]).Mean - F(x)), 0, 0.05);
    }

    [Fact]
    public void Fit_NoisyData_LearnsNoiseAndSmoothsThroughIt()
    {
        var rng = new Rng(4);
        var xs = Enumerable.Range(0, 60).Select(_ => rng.NextDouble()).ToArray();
        var ys = xs.Select(x => F(x) + 0.1 * rng.NextGaussian()).ToArray();

        var gp = GaussianProcess.Fit(xs.Select(x => new[] { x }).ToArray(), ys);

        // Noise variance 0.01 in output units; standardised by var(y) ≈ 0.5 → about 0.02.
        Assert.InRange(gp.NoiseVariance, 0.005, 0.08);
        Assert.InRange(Math.Abs(gp.Predict([0.3]).Mean - F(0.3)), 0, 0.1);
    }

    [Fact]
    public void Fit_IrrelevantInput_GetsLongLengthScale()
    {
        var rng = new Rng(9);
        var x = Enumerable.Range(0, 40).Select(_ => new[] { rng.NextDouble(), rng.NextDouble() }).ToArray();
        var y = x.Select(p => F(p[0])).ToArray();

        var gp = GaussianProcess.Fit(x, y, options: new GaussianProcessOptions { Deterministic = true });

        Assert.True(gp.LengthScales[1] > 5 * gp.LengthScales[0], $"length scales {gp.LengthScales[0]:g3}, {gp.LengthScales[1]:g3}");
    }

    [Fact]
    public void Fit_CategoricalInput_SeparatesCategories()
    {
        var x = new List<double[]>();
        var y = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var c = i % 3;
            var u = i / 30.0;
            x.Add([u, c]);
            y.Add(u + (c == 2 ? 3 : 0));
        }

        var gp = GaussianProcess.Fit(x, y, [false, true], new GaussianProcessOptions { Deterministic = true });

        Assert.Equal(3.5, gp.Predict([0.5, 2]).Mean, 1);
        Assert.Equal(0.5, gp.Predict([0.5, 0]).Mean, 1);
    }

    [Fact]
    public void Fit_NonFiniteOutput_ThrowsWithAdvice()
    {
        var e = Assert.Throws<ArgumentException>(() => GaussianProcess.Fit([[0.0], [1.0]], [1.0, double.NaN]));
        Assert.Contains("finite", e.Message, StringComparison.Ordinal);
    }
}
