using HoMM.Core.Numerics;

namespace HoMM.Core.Tests.Numerics;

public class NormalTests
{
    // Reference values from CPython's math.erfc (correctly rounded libm).
    [Theory]
    [InlineData(-1.5, 1.9661051464753108)]
    [InlineData(0.0, 1.0)]
    [InlineData(0.3, 0.6713732405408726)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(1.9, 0.0072095707647425325)]
    [InlineData(2.0, 0.004677734981047265)]
    [InlineData(2.5, 0.0004069520174449589)]
    [InlineData(3.0, 2.2090496998585438e-05)]
    [InlineData(4.5, 1.9661604415428873e-10)]
    [InlineData(6.0, 2.1519736712498916e-17)]
    [InlineData(10.0, 2.088487583762545e-45)]
    [InlineData(26.0, 5.663192408856143e-296)]
    public void Erfc_MatchesReference_ToRelativePrecision(double x, double expected) =>
        Assert.InRange(Math.Abs(Normal.Erfc(x) - expected) / expected, 0, 1e-13);

    [Theory]
    [InlineData(2.0)]
    [InlineData(-0.5)]
    [InlineData(0.0)]
    [InlineData(-3.0)]
    public void LogH_ModerateZ_MatchesDirectFormula(double z)
    {
        var direct = Math.Log(Normal.Pdf(z) + z * Normal.Cdf(z));

        var logH = Normal.LogH(z, out var derivative);

        Assert.Equal(direct, logH, 11);
        Assert.Equal(Normal.Cdf(z) / Math.Exp(direct), derivative, 9);
    }

    [Fact]
    public void LogH_FarTail_StaysFiniteAndMatchesAsymptote()
    {
        // h(−60) ≈ φ(−60)/60² underflows to 0 in double; its log is about −1800 − 0.92 − 2·ln 60.
        Assert.Equal(0.0, Normal.Pdf(-60) + -60 * Normal.Cdf(-60));

        var logH = Normal.LogH(-60, out var derivative);

        Assert.Equal(-1800 - 0.5 * Math.Log(2 * Math.PI) - 2 * Math.Log(60), logH, 3);
        Assert.Equal(60.0, derivative, 0); // d/dz log h ≈ |z| far in the tail
    }

    [Fact]
    public void LogH_IsContinuousAcrossBranchPoints()
    {
        foreach (var z0 in new[] { -1.0, -40.0 })
        {
            var below = Normal.LogH(z0 - 1e-9, out _);
            var above = Normal.LogH(z0 + 1e-9, out _);
            Assert.InRange(Math.Abs(below - above), 0, 1e-7);
        }
    }

    [Fact]
    public void LogCdf_FarTail_IsFinite()
    {
        // log Φ(−40) ≈ −800 − log(40·√(2π))
        Assert.Equal(-800 - Math.Log(40 * Math.Sqrt(2 * Math.PI)), Normal.LogCdf(-40), 3);
        Assert.Equal(Math.Log(Normal.Cdf(-2)), Normal.LogCdf(-2), 12);
    }

    [Theory]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.5, 0.0)]
    [InlineData(1e-10, -6.361340902404056)]
    [InlineData(0.3, -0.5244005127080407)]
    public void Quantile_MatchesReference(double p, double expected)
    {
        Assert.Equal(expected, Normal.Quantile(p), 10);
        Assert.Equal(p, Normal.Cdf(Normal.Quantile(p)), 12);
    }
}
