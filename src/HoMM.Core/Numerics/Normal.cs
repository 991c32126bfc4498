namespace HoMM.Core.Numerics;

/// <summary>
/// The standard normal distribution and the special functions around it (erfc, the scaled
/// erfcx, and log h(z) = log(φ(z) + z·Φ(z)) behind log expected improvement), written to stay
/// accurate in the far tails where the naive formulas underflow to zero.
/// </summary>
public static class Normal
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrtPi = 0.56418958354775628695;
    private const double LogSqrt2Pi = 0.91893853320467274178;
    private const double SqrtHalfPi = 1.25331413731550025121;

    public static double Pdf(double z) => Math.Exp(-0.5 * z * z - LogSqrt2Pi);

    public static double LogPdf(double z) => -0.5 * z * z - LogSqrt2Pi;

    public static double Cdf(double z) => 0.5 * Erfc(-z * InvSqrt2);

    /// <summary>log Φ(z), finite for every finite z (Φ(−40) underflows, its logarithm does not).</summary>
    public static double LogCdf(double z)
    {
        if (z > -5)
            return Math.Log(Cdf(z));
        var t = -z * InvSqrt2;
        return Math.Log(0.5 * Erfcx(t)) - t * t;
    }

    /// <summary>
    /// The quantile function Φ⁻¹(p) for p in (0, 1): a rational first guess (Abramowitz–Stegun
    /// 26.2.23, error below 5e-4) polished by Newton steps on Φ to full precision.
    /// </summary>
    public static double Quantile(double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(p, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(p, 1.0);
        if (p > 0.5)
            return -Quantile(1 - p);
        var t = Math.Sqrt(-2 * Math.Log(p));
        var z = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
        for (var i = 0; i < 4; i++)
        {
            // Newton on log Φ(z) = log p: well conditioned even deep in the lower tail.
            var step = (LogCdf(z) - Math.Log(p)) * Math.Exp(LogCdf(z) - LogPdf(z));
            z -= step;
            if (Math.Abs(step) < 1e-15 * Math.Max(1, Math.Abs(z)))
                break;
        }
        return z;
    }

    /// <summary>The complementary error function.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
            return double.NaN;
        if (x < 0)
            return 2 - Erfc(-x);
        if (x > 27)
            return 0; // below the smallest subnormal double
        return Erfcx(x) * Math.Exp(-x * x);
    }

    /// <summary>The scaled complementary error function exp(x²)·erfc(x).</summary>
    public static double Erfcx(double x)
    {
        if (double.IsNaN(x))
            return double.NaN;
        if (x < 0)
        {
            // erfcx(−x) = 2·exp(x²) − erfcx(x); overflows like exp(x²) does.
            return x < -26.6 ? double.PositiveInfinity : 2 * Math.Exp(x * x) - Erfcx(-x);
        }
        if (x < 2)
        {
            // erf(x) = 2/√π · exp(−x²) · Σ 2ⁿ x^(2n+1) / (2n+1)!!, a series of positive terms,
            // so erfcx(x) = exp(x²) − 2/√π · Σ … loses at most a couple of digits for x < 2.
            var term = x;
            var sum = x;
            for (var n = 1; n < 200; n++)
            {
                term *= 2 * x * x / (2 * n + 1);
                sum += term;
                if (term < 1e-17 * sum)
                    break;
            }
            return Math.Exp(x * x) - 2 * InvSqrtPi * sum;
        }
        if (x > 1e8)
            return InvSqrtPi / x; // the continued fraction's limit, with no x² overflow
        // Laplace continued fraction erfc(x)·exp(x²)·√π = 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))),
        // evaluated backwards (stable); 2 ≤ x needs at most ~120 levels for full precision.
        var levels = x < 3 ? 120 : x < 6 ? 60 : 30;
        var f = x;
        for (var k = levels; k >= 1; k--)
            f = x + 0.5 * k / f;
        return InvSqrtPi / f;
    }

    /// <summary>
    /// log h(z) with h(z) = φ(z) + z·Φ(z), the expected improvement of a unit-variance normal
    /// whose mean is z above the incumbent; also returns d/dz log h(z) = Φ(z)/h(z).
    /// Finite for all finite z, including where h itself underflows (z ≲ −38).
    /// </summary>
    public static double LogH(double z, out double derivative)
    {
        if (z > -1)
        {
            var cdf = Cdf(z);
            var h = Pdf(z) + z * cdf;
            derivative = cdf / h;
            return Math.Log(h);
        }
        // h(z) = φ(z)·(1 − r) with r = |z|·Φ(z)/φ(z) = |z|·√(π/2)·erfcx(|z|/√2) → 1 as z → −∞;
        // 1 − r cancels badly for large |z|, where its asymptotic series is exact enough.
        var a = -z;
        double oneMinusR, ratio; // ratio = Φ(z)/φ(z)
        if (a < 40)
        {
            ratio = SqrtHalfPi * Erfcx(a * InvSqrt2);
            oneMinusR = 1 - a * ratio;
        }
        else
        {
            var inv2 = 1 / (a * a);
            // 1 − r = Σ_{k≥1} (−1)^(k+1) (2k−1)!! / z^(2k)
            var term = inv2;
            oneMinusR = 0;
            for (var k = 1; k <= 8; k++)
            {
                oneMinusR += term;
                term *= -(2 * k + 1) * inv2;
            }
            ratio = (1 - oneMinusR) / a;
        }
        derivative = ratio / oneMinusR;
        return LogPdf(z) + Math.Log(oneMinusR);
    }
}
