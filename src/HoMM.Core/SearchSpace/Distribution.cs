using System.Globalization;

namespace HoMM.Core.SearchSpace;

/// <summary>
/// The set of values one parameter may take. Samplers work on an internal representation
/// (a <see cref="double"/>: the value itself for numbers, the index for categorical choices),
/// so every distribution converts between that and the value the trainer sees.
/// </summary>
public abstract record Distribution
{
    /// <summary>True when <paramref name="internalValue"/> is a value this distribution can produce.</summary>
    public abstract bool Contains(double internalValue);

    /// <summary>The value the trainer receives for an internal representation.</summary>
    public abstract object ToExternal(double internalValue);

    /// <summary>The internal representation of a user-facing value (e.g. from an enqueued trial).</summary>
    /// <exception cref="ArgumentException">The value is not in this distribution.</exception>
    public abstract double ToInternal(object value);

    /// <summary>True when the distribution has exactly one value (samplers skip it).</summary>
    public abstract bool IsSingle { get; }
}

/// <summary>A real-valued parameter in [Low, High], optionally log-scaled or quantised by Step.</summary>
public sealed record FloatDistribution : Distribution
{
    public FloatDistribution(double low, double high, bool log = false, double? step = null)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(double.IsFinite(low), true, nameof(low));
        ArgumentOutOfRangeException.ThrowIfNotEqual(double.IsFinite(high), true, nameof(high));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(low, high, nameof(low));
        if (log)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(low, 0.0, nameof(low));
            if (step is not null)
                throw new ArgumentException("step cannot be combined with log: true", nameof(step));
        }
        if (step is { } s)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(s, 0.0, nameof(step));
            // Like Optuna, the upper end snaps down onto the step grid so High is reachable.
            high = low + Math.Floor((high - low) / s + 1e-9) * s;
        }
        Low = low;
        High = high;
        Log = log;
        Step = step;
    }

    public double Low { get; }
    public double High { get; }
    public bool Log { get; }
    public double? Step { get; }

    public override bool IsSingle => Low == High;

    public override bool Contains(double internalValue)
    {
        if (!double.IsFinite(internalValue) || internalValue < Low || internalValue > High)
            return false;
        if (Step is not { } s)
            return true;
        var k = (internalValue - Low) / s;
        return Math.Abs(k - Math.Round(k)) < 1e-6;
    }

    public override object ToExternal(double internalValue) => internalValue;

    public override double ToInternal(object value)
    {
        var v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return Contains(v) ? v : throw new ArgumentException($"{v} is not in {this}", nameof(value));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"float[{Low}, {High}]{(Log ? " log" : "")}{(Step is { } s ? $" step {s}" : "")}");
}

/// <summary>An integer parameter in [Low, High], optionally log-scaled or with a Step.</summary>
public sealed record IntDistribution : Distribution
{
    public IntDistribution(long low, long high, bool log = false, long step = 1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(low, high, nameof(low));
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1L, nameof(step));
        if (log)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(low, 1L, nameof(low));
            if (step != 1)
                throw new ArgumentException("step other than 1 cannot be combined with log: true", nameof(step));
        }
        Low = low;
        High = low + (high - low) / step * step;
        Log = log;
        Step = step;
    }

    public long Low { get; }
    public long High { get; }
    public bool Log { get; }
    public long Step { get; }

    public override bool IsSingle => Low == High;

    public override bool Contains(double internalValue) =>
        double.IsFinite(internalValue)
        && internalValue == Math.Round(internalValue)
        && internalValue >= Low && internalValue <= High
        && ((long)internalValue - Low) % Step == 0;

    public override object ToExternal(double internalValue) => (long)Math.Round(internalValue);

    public override double ToInternal(object value)
    {
        var v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return Contains(v) ? v : throw new ArgumentException($"{v} is not in {this}", nameof(value));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"int[{Low}, {High}]{(Log ? " log" : "")}{(Step != 1 ? $" step {Step}" : "")}");
}

/// <summary>One of a fixed list of choices (strings, numbers or booleans); internally the index.</summary>
public sealed record CategoricalDistribution : Distribution
{
    public CategoricalDistribution(IReadOnlyList<object> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        ArgumentOutOfRangeException.ThrowIfZero(choices.Count, nameof(choices));
        foreach (var c in choices)
        {
            if (c is not (string or bool or long or int or double))
                throw new ArgumentException($"choice '{c}' must be a string, a number or a boolean", nameof(choices));
        }
        if (choices.Distinct(ChoiceComparer.Instance).Count() != choices.Count)
            throw new ArgumentException("choices must be distinct", nameof(choices));
        Choices = choices.ToArray();
    }

    public IReadOnlyList<object> Choices { get; }

    public override bool IsSingle => Choices.Count == 1;

    public override bool Contains(double internalValue) =>
        internalValue == Math.Round(internalValue) && internalValue >= 0 && internalValue < Choices.Count;

    public override object ToExternal(double internalValue) => Choices[(int)internalValue];

    public override double ToInternal(object value)
    {
        for (var i = 0; i < Choices.Count; i++)
        {
            if (ChoiceComparer.Instance.Equals(Choices[i], value))
                return i;
        }
        throw new ArgumentException($"'{value}' is not one of {this}", nameof(value));
    }

    public bool Equals(CategoricalDistribution? other) =>
        other is not null && Choices.SequenceEqual(other.Choices, ChoiceComparer.Instance);

    public override int GetHashCode() => Choices.Count;

    public override string ToString() =>
        "[" + string.Join(", ", Choices.Select(c => Convert.ToString(c, CultureInfo.InvariantCulture))) + "]";

    /// <summary>Numbers compare by value whatever their CLR type (1 == 1L == 1.0).</summary>
    private sealed class ChoiceComparer : IEqualityComparer<object>
    {
        public static readonly ChoiceComparer Instance = new();

        public new bool Equals(object? x, object? y) => (x, y) switch
        {
            (string a, string b) => a == b,
            (bool a, bool b) => a == b,
            (string or bool, _) or (_, string or bool) => false,
            (null, null) => true,
            (null, _) or (_, null) => false,
            _ => Convert.ToDouble(x, CultureInfo.InvariantCulture) == Convert.ToDouble(y, CultureInfo.InvariantCulture),
        };

        public int GetHashCode(object obj) => obj switch
        {
            string s => s.GetHashCode(StringComparison.Ordinal),
            bool b => b.GetHashCode(),
            _ => Convert.ToDouble(obj, CultureInfo.InvariantCulture).GetHashCode(),
        };
    }
}
