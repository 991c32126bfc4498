using HoMM.Core.SearchSpace;

namespace HoMM.Core.Numerics;

/// <summary>
/// One numeric parameter seen by a continuous model (CMA-ES, Gaussian process) as a coordinate
/// in [0, 1]: log scales are linear in log space, and discrete values (integers, float steps)
/// each own an equal slice, [v − step/2, v + step/2], so rounding a continuous coordinate gives
/// every value its fair share and the model can move between neighbours.
/// </summary>
internal sealed class UnitDimension
{
    private readonly double _low;   // continuous lower end, in transformed (log or linear) units
    private readonly double _width; // continuous width, in transformed units
    private readonly double _step;  // grid step in value units (0 when continuous)

    public UnitDimension(string name, Distribution distribution)
    {
        Name = name;
        Distribution = distribution;
        switch (distribution)
        {
            case FloatDistribution { Log: true } f:
                IsLog = true;
                _low = Math.Log(f.Low);
                _width = Math.Log(f.High) - _low;
                break;
            case FloatDistribution { Step: { } s } f:
                _step = s;
                _low = f.Low - s / 2;
                _width = f.High - f.Low + s;
                break;
            case FloatDistribution f:
                _low = f.Low;
                _width = f.High - f.Low;
                break;
            case IntDistribution { Log: true } i:
                IsLog = true;
                _step = 1;
                _low = Math.Log(i.Low - 0.5);
                _width = Math.Log(i.High + 0.5) - _low;
                break;
            case IntDistribution i:
                _step = i.Step;
                _low = i.Low - i.Step / 2.0;
                _width = i.High - i.Low + (double)i.Step;
                break;
            default:
                throw new ArgumentException($"'{name}' is {distribution}; only float and int parameters have a unit coordinate", nameof(distribution));
        }
    }

    public string Name { get; }

    public Distribution Distribution { get; }

    public bool IsLog { get; }

    /// <summary>True for integers and stepped floats: the coordinate is rounded to a value.</summary>
    public bool IsDiscrete => _step > 0;

    /// <summary>The numeric parameters of <paramref name="space"/> with no condition and more than one value.</summary>
    public static IReadOnlyList<UnitDimension> UnconditionalNumeric(SearchSpaceDefinition space) =>
        space.Parameters
            .Where(p => p.When is null && !p.Distribution.IsSingle && p.Distribution is FloatDistribution or IntDistribution)
            .Select(p => new UnitDimension(p.Name, p.Distribution))
            .ToArray();

    /// <summary>The coordinate of an internal value (inside its slice when discrete).</summary>
    public double Encode(double internalValue)
    {
        var t = IsLog ? Math.Log(internalValue) : internalValue;
        return _width > 0 ? (t - _low) / _width : 0.5;
    }

    /// <summary>The internal value a coordinate stands for; coordinates outside [0, 1] are clamped.</summary>
    public double Decode(double u)
    {
        u = Math.Clamp(double.IsNaN(u) ? 0.5 : u, 0.0, 1.0);
        var t = _low + u * _width;
        var v = IsLog ? Math.Exp(t) : t;
        switch (Distribution)
        {
            case FloatDistribution { Step: { } s } f:
                return Math.Clamp(f.Low + Math.Round((v - f.Low) / s) * s, f.Low, f.High);
            case FloatDistribution f:
                return Math.Clamp(v, f.Low, f.High);
            case IntDistribution { Log: true } i:
                return Math.Clamp(Math.Round(v), i.Low, i.High);
            case IntDistribution i:
                return Math.Clamp(i.Low + Math.Round((v - i.Low) / i.Step) * i.Step, i.Low, i.High);
            default:
                throw new InvalidOperationException("unreachable: the constructor accepts only float and int");
        }
    }

    /// <summary>
    /// For a discrete dimension, the coordinates of the thresholds on either side of the value
    /// that <paramref name="u"/> decodes to; null on a side where no other value lies.
    /// </summary>
    public (double? Below, double? Above) Thresholds(double u)
    {
        if (!IsDiscrete)
            return (null, null);
        var v = Decode(u);
        var (low, high) = Distribution switch
        {
            IntDistribution i => ((double)i.Low, (double)i.High),
            FloatDistribution f => (f.Low, f.High),
            _ => (0.0, 0.0),
        };
        var half = IsLog ? 0.5 : _step / 2;
        double? below = v > low ? Encode(v - half) : null;
        double? above = v < high ? Encode(v + half) : null;
        return (below, above);
    }

    /// <summary>True when two internal values are the same value of this dimension (float round-off allowed).</summary>
    public bool SameValue(double a, double b) =>
        IsDiscrete ? Math.Abs(a - b) <= 1e-9 * Math.Max(1.0, Math.Abs(a)) : a == b || Math.Abs(a - b) <= 1e-12 * Math.Max(1.0, Math.Abs(a));
}
