using HoMM.Core.Numerics;
using HoMM.Core.Samplers.Gp;

namespace HoMM.Core.Tests.Samplers.Gp;

public class LogExpectedImprovementTests
{
    [Theory]
    [InlineData(0.0, 1.0, 0.5)]
    [InlineData(1.0, 0.25, 0.0)]
    [InlineData(-2.0, 4.0, 0.0)]
    [InlineData(0.3, 0.01, 0.0)]
    public void Value_WhereEiIsNotTiny_MatchesClosedForm(double mean, double variance, double best)
    {
        var sigma = Math.Sqrt(variance);
        var z = (best - mean) / sigma;
        var ei = (best - mean) * Normal.Cdf(z) + sigma * Normal.Pdf(z);

        Assert.Equal(Math.Log(ei), LogExpectedImprovement.Value(mean, variance, best), 9);
    }

    [Fact]
    public void Value_WhereEiUnderflows_StaysFiniteAndOrdered()
    {
        // z = −100: EI ≈ σ φ(z)/z² ≈ e^−5000, far below the smallest double.
        const double mean = 10, variance = 0.01, best = 0;
        var z = -100.0;
        Assert.Equal(0.0, (best - mean) * Normal.Cdf(z) + Math.Sqrt(variance) * Normal.Pdf(z));

        var near = LogExpectedImprovement.Value(mean, variance, best);
        var farther = LogExpectedImprovement.Value(mean + 1, variance, best);

        Assert.True(double.IsFinite(near));
        Assert.Equal(Math.Log(0.1) - 5000 - 0.5 * Math.Log(2 * Math.PI) - 2 * Math.Log(100), near, 3);
        Assert.True(farther < near, "a worse mean must still score lower, so the optimiser has a slope to follow");
    }

    [Fact]
    public void Value_Derivatives_MatchFiniteDifferences()
    {
        foreach (var (mean, variance, best) in new[] { (0.0, 1.0, 0.5), (3.0, 0.01, 0.0), (50.0, 0.04, 0.0) })
        {
            LogExpectedImprovement.Value(mean, variance, best, out var dMean, out var dVariance);
            var h = 1e-6 * Math.Max(1, Math.Abs(mean));
            var numMean = (LogExpectedImprovement.Value(mean + h, variance, best) - LogExpectedImprovement.Value(mean - h, variance, best)) / (2 * h);
            var hv = 1e-4 * variance;
            var numVar = (LogExpectedImprovement.Value(mean, variance + hv, best) - LogExpectedImprovement.Value(mean, variance - hv, best)) / (2 * hv);

            Assert.Equal(1.0, dMean / numMean, 5);
            Assert.Equal(1.0, dVariance / numVar, 5);
        }
    }
}
