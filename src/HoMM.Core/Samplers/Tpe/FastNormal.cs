using HoMM.Core.Numerics;

namespace HoMM.Core.Samplers.Tpe;

/// <summary>
/// log Φ and log-probabilities of intervals of the standard normal, fast enough for the TPE inner
/// loop (tens of thousands of kernel evaluations per ask): log Φ is tabulated once from the accurate
/// <see cref="Normal.LogCdf"/> and interpolated with cubic Hermite polynomials (error ≈ 1e-9).
/// </summary>
internal static class FastNormal
{
    private const double LogSqrt2Pi = 0.91893853320467274178;
    private const double TableLow = -38;
    private const double TableHigh = 9;
    private const double H = 1.0 / 32;
    private static readonly double[] Values;
    private static readonly double[] Slopes;

    static FastNormal()
    {
        var n = (int)Math.Round((TableHigh - TableLow) / H) + 1;
        Values = new double[n];
        Slopes = new double[n];
        for (var i = 0; i < n; i++)
        {
            var z = TableLow + i * H;
            Values[i] = Normal.LogCdf(z);
            // d/dz log Φ(z) = φ(z) / Φ(z), the inverse Mills ratio.
            Slopes[i] = Math.Exp(-0.5 * z * z - LogSqrt2Pi - Values[i]);
        }
    }

    public static double LogPdf(double z) => -0.5 * z * z - LogSqrt2Pi;

    public static double LogCdf(double z)
    {
        if (z < TableLow)
        {
            // Asymptotic Mills-ratio series; at |z| ≥ 38 its truncation error is below 1e-9.
            var r = 1 / (z * z);
            return LogPdf(z) + Math.Log((1 - r + 3 * r * r - 15 * r * r * r) / -z);
        }
        if (z >= TableHigh)
            return -Math.Exp(LogPdf(z)) / z; // log(1 − ε) ≈ −ε, ε = Φ(−z) ≈ φ(z)/z
        var x = (z - TableLow) / H;
        var i = Math.Min((int)x, Values.Length - 2);
        var t = x - i;
        var t2 = t * t;
        var t3 = t2 * t;
        return (2 * t3 - 3 * t2 + 1) * Values[i]
               + (t3 - 2 * t2 + t) * H * Slopes[i]
               + (-2 * t3 + 3 * t2) * Values[i + 1]
               + (t3 - t2) * H * Slopes[i + 1];
    }

    /// <summary>log P(a ≤ Z ≤ b) for a standard normal Z and a &lt; b, accurate in both tails.</summary>
    public static double LogMass(double a, double b)
    {
        // Nearly all the mass: log(1 − Φ(a) − Φ(−b)) rounds to 0 (Φ(−12) ≈ 2e-33).
        if (a < -12 && b > 12)
            return 0;
        var w = b - a;
        if (w < 0.01)
        {
            // Midpoint rule with its second-order correction: exact to ~w⁴, no cancellation.
            var m = 0.5 * (a + b);
            return Math.Log(w * (1 + w * w * (m * m - 1) / 24)) + LogPdf(m);
        }
        if (a >= 0)
            (a, b) = (-b, -a); // mirror into the lower half, where Φ has full relative precision
        var lb = LogCdf(b);
        // In the lower tail a wide interval holds all but e^-(b² − a²)/2 of Φ(b): skip Φ(a).
        if (b < 0 && (b - a) * -b > 45)
            return lb;
        return lb + Log1MinusExp(LogCdf(a) - lb);
    }

    /// <summary>log(1 − eˣ) for x ≤ 0.</summary>
    private static double Log1MinusExp(double x) =>
        x > -0.6931471805599453 ? Math.Log(-ExpM1(x))
        : x < -40 ? -Math.Exp(x) // log(1 − ε) ≈ −ε
        : Math.Log(1 - Math.Exp(x));

    private static double ExpM1(double x) =>
        Math.Abs(x) < 1e-5 ? x + 0.5 * x * x + x * x * x / 6 : Math.Exp(x) - 1;
}
