using HoMM.Core.Numerics;

namespace HoMM.Core.Samplers.Gp;

/// <summary>
/// log EI for minimisation: log E[max(best − f, 0)] with f ~ N(mean, variance). Computed as
/// log σ + log h(z), z = (best − mean)/σ, h(z) = φ(z) + zΦ(z), which stays finite and smooth far
/// where EI itself underflows to 0 (Ament et al., "Unexpected Improvements to Expected
/// Improvement", 2023): a flat zero acquisition gives the optimiser nothing to climb.
/// </summary>
public static class LogExpectedImprovement
{
    public static double Value(double mean, double variance, double best) => Value(mean, variance, best, out _, out _);

    /// <summary>log EI and its partial derivatives with respect to the mean and the variance.</summary>
    public static double Value(double mean, double variance, double best, out double dMean, out double dVariance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(variance);
        var sigma = Math.Sqrt(Math.Max(variance, 1e-300));
        var z = (best - mean) / sigma;
        var logH = Normal.LogH(z, out var dLogH);
        // ∂z/∂mean = −1/σ; ∂z/∂var = −z/(2 var); ∂ log σ/∂var = 1/(2 var).
        dMean = -dLogH / sigma;
        dVariance = (1 - z * dLogH) / (2 * Math.Max(variance, 1e-300));
        return Math.Log(sigma) + logH;
    }
}
