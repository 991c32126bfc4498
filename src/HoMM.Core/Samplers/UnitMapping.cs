using System.Globalization;
using HoMM.Core.SearchSpace;

namespace HoMM.Core.Samplers;

/// <summary>
/// Maps a uniform number in [0, 1) onto a distribution so every value has its fair share:
/// log-uniform for log scales, one equal slice per grid point for steps, integers and choices.
/// Random and Sobol sampling are this mapping applied to random or low-discrepancy numbers.
/// </summary>
internal static class UnitMapping
{
    public static double FromUnit(Distribution distribution, double u)
    {
        u = Math.Clamp(u, 0.0, Math.BitDecrement(1.0));
        switch (distribution)
        {
            case FloatDistribution f when f.IsSingle:
                return f.Low;
            case FloatDistribution { Step: { } step } f:
                {
                    var count = (long)Math.Round((f.High - f.Low) / step) + 1;
                    var k = Math.Min((long)(u * count), count - 1);
                    return StepValue(f, k);
                }
            case FloatDistribution { Log: true } f:
                {
                    var lo = Math.Log(f.Low);
                    var x = Math.Exp(lo + u * (Math.Log(f.High) - lo));
                    return Math.Clamp(x, f.Low, f.High);
                }
            case FloatDistribution f:
                return Math.Clamp(f.Low + u * (f.High - f.Low), f.Low, f.High);
            case IntDistribution { Log: true } i:
                {
                    // Each integer owns the log-width of [k - 0.5, k + 0.5], so small values are not starved.
                    var lo = Math.Log(i.Low - 0.5);
                    var x = Math.Round(Math.Exp(lo + u * (Math.Log(i.High + 0.5) - lo)));
                    return Math.Clamp(x, i.Low, i.High);
                }
            case IntDistribution i:
                {
                    var count = (i.High - i.Low) / i.Step + 1;
                    var k = Math.Min((long)(u * count), count - 1);
                    return i.Low + k * i.Step;
                }
            case CategoricalDistribution c:
                return Math.Min((int)(u * c.Choices.Count), c.Choices.Count - 1);
            default:
                throw new NotSupportedException($"no sampling rule for {distribution.GetType().Name}");
        }
    }

    /// <summary>
    /// The k-th grid value of a stepped float, rounded to 15 significant digits so the trainer
    /// (and an enqueued trial typed by hand) sees 0.3 rather than 0.30000000000000004.
    /// </summary>
    public static double StepValue(FloatDistribution f, long k)
    {
        var raw = f.Low + k * f.Step!.Value;
        var rounded = double.Parse(raw.ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return Math.Clamp(rounded, f.Low, f.High);
    }
}
