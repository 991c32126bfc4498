using HoMM.Core.SearchSpace;

namespace HoMM.Core.Samplers.Tpe;

/// <summary>
/// One parameter as the Parzen estimators see it, in "model space": the log of log-scaled values,
/// the value itself otherwise, the index of a categorical choice. Discrete parameters (steps,
/// integers) carry the bin around each value, so a kernel's probability of a value is the normal
/// mass of its bin: [x − step/2, x + step/2], or [log(k − ½), log(k + ½)] for log-scaled integers.
/// </summary>
internal sealed class TpeDimension
{
    private TpeDimension(ParameterSpec spec) => Spec = spec;

    public ParameterSpec Spec { get; }

    public bool IsCategorical { get; private init; }

    public bool IsDiscrete { get; private init; }

    /// <summary>Model-space bounds (bins included) kernels are truncated to.</summary>
    public double Low { get; private init; }

    public double High { get; private init; }

    public int ChoiceCount { get; private init; }

    private double GridLow { get; init; }

    private double Step { get; init; }

    private long GridCount { get; init; }

    private bool LogInt { get; init; }

    private bool LogFloat { get; init; }

    public static TpeDimension Create(ParameterSpec spec) => spec.Distribution switch
    {
        CategoricalDistribution c => new TpeDimension(spec) { IsCategorical = true, ChoiceCount = c.Choices.Count },
        FloatDistribution { Log: true } f => new TpeDimension(spec) { LogFloat = true, Low = Math.Log(f.Low), High = Math.Log(f.High) },
        FloatDistribution { Step: { } s } f => Grid(spec, f.Low, s, (long)Math.Round((f.High - f.Low) / s) + 1),
        FloatDistribution f => new TpeDimension(spec) { Low = f.Low, High = f.High },
        IntDistribution { Log: true } i => new TpeDimension(spec)
        {
            IsDiscrete = true,
            LogInt = true,
            Low = Math.Log(i.Low - 0.5),
            High = Math.Log(i.High + 0.5),
            GridLow = i.Low,
            GridCount = i.High - i.Low + 1,
        },
        IntDistribution i => Grid(spec, i.Low, i.Step, (i.High - i.Low) / i.Step + 1),
        _ => throw new NotSupportedException($"TPE cannot model {spec.Distribution.GetType().Name}"),
    };

    private static TpeDimension Grid(ParameterSpec spec, double low, double step, long count) => new(spec)
    {
        IsDiscrete = true,
        GridLow = low,
        Step = step,
        GridCount = count,
        Low = low - step / 2,
        High = low + (count - 1) * step + step / 2,
    };

    /// <summary>Model-space value of a trial's parameter, or false when it is not in the distribution.</summary>
    public bool TryToModel(object external, out double model)
    {
        model = 0;
        var d = Spec.Distribution;
        double v;
        if (IsCategorical)
        {
            var choices = ((CategoricalDistribution)d).Choices;
            for (var i = 0; i < choices.Count; i++)
            {
                if (Condition.ValuesEqual(choices[i], external))
                {
                    model = i;
                    return true;
                }
            }
            return false;
        }
        switch (external)
        {
            case double x:
                v = x;
                break;
            case long x:
                v = x;
                break;
            case int x:
                v = x;
                break;
            case float x:
                v = x;
                break;
            default:
                return false;
        }
        if (!d.Contains(v))
            return false;
        model = LogFloat || LogInt ? Math.Log(v) : v;
        return true;
    }

    /// <summary>Moves a model-space draw onto the nearest value the parameter can take.</summary>
    public double Snap(double model)
    {
        if (IsCategorical || !IsDiscrete)
            return Math.Clamp(model, Low, High);
        if (LogInt)
            return Math.Log(Math.Clamp(Math.Round(Math.Exp(model)), GridLow, GridLow + GridCount - 1));
        var k = Math.Clamp(Math.Round((model - GridLow) / Step), 0, GridCount - 1);
        return GridLow + k * Step;
    }

    /// <summary>The bin of a snapped discrete value.</summary>
    public (double Low, double High) Bin(double model)
    {
        if (LogInt)
        {
            var k = Math.Round(Math.Exp(model));
            return (Math.Log(k - 0.5), Math.Log(k + 0.5));
        }
        return (model - Step / 2, model + Step / 2);
    }

    /// <summary>The internal representation (what the distribution contains) of a snapped model value.</summary>
    public double ToInternal(double model)
    {
        switch (Spec.Distribution)
        {
            case CategoricalDistribution c:
                return Math.Clamp(Math.Round(model), 0, c.Choices.Count - 1);
            case FloatDistribution { Log: true } f:
                return Math.Clamp(Math.Exp(model), f.Low, f.High);
            case FloatDistribution { Step: not null } f:
                return UnitMapping.StepValue(f, (long)Math.Round((model - GridLow) / Step));
            case FloatDistribution f:
                return Math.Clamp(model, f.Low, f.High);
            case IntDistribution { Log: true } i:
                return Math.Clamp(Math.Round(Math.Exp(model)), i.Low, i.High);
            case IntDistribution i:
                return Math.Clamp(i.Low + Math.Round((model - i.Low) / i.Step) * i.Step, i.Low, i.High);
            default:
                throw new NotSupportedException();
        }
    }
}
