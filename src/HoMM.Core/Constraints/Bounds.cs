using System.Globalization;
using HoMM.Core.SearchSpace;

namespace HoMM.Core.Constraints;

/// <summary>
/// What a sub-expression can give over a whole search space (interval arithmetic): an interval for
/// a number, which truth values a condition can take, the possible strings. Always an
/// over-approximation: "cannot be true" is a proof, "can be true" is not a promise.
/// </summary>
internal readonly record struct Bounds(ValueKind Kind, double Low, double High, bool CanBeTrue, bool CanBeFalse, IReadOnlySet<string>? Strings)
{
    public static readonly Bounds Unknown = new(ValueKind.Any, double.NegativeInfinity, double.PositiveInfinity, true, true, null);

    public static Bounds Number(double low, double high) =>
        double.IsNaN(low) || double.IsNaN(high) ? Unknown : new(ValueKind.Number, Math.Min(low, high), Math.Max(low, high), true, true, null);

    public static Bounds Truth(bool canBeTrue, bool canBeFalse) => new(ValueKind.Bool, 0, 0, canBeTrue, canBeFalse, null);

    public static Bounds Text(IReadOnlySet<string> strings) => new(ValueKind.String, 0, 0, true, true, strings);

    /// <summary>The values a parameter of <paramref name="distribution"/> can take.</summary>
    public static Bounds Of(Distribution distribution) => distribution switch
    {
        FloatDistribution f => Number(f.Low, f.High),
        IntDistribution i => Number(i.Low, i.High),
        CategoricalDistribution c when c.Choices.All(IsNumber) => Number(c.Choices.Min(ToDouble), c.Choices.Max(ToDouble)),
        CategoricalDistribution c when c.Choices.All(x => x is bool) => Truth(c.Choices.Contains(true), c.Choices.Contains(false)),
        CategoricalDistribution c when c.Choices.All(x => x is string) => Text(c.Choices.Cast<string>().ToHashSet(StringComparer.Ordinal)),
        _ => Unknown,
    };

    private static bool IsNumber(object x) => x is double or float or long or int or decimal;

    private static double ToDouble(object x) => Convert.ToDouble(x, CultureInfo.InvariantCulture);

    /// <summary>The bounds in words, for a message: "lies in [0.0001, 1]", "is one of 'a', 'b'".</summary>
    public string Describe() => Kind switch
    {
        ValueKind.Number => string.Create(CultureInfo.InvariantCulture, $"lies in [{Low:G6}, {High:G6}]"),
        ValueKind.Bool => CanBeTrue && CanBeFalse ? "is true or false" : CanBeTrue ? "is true" : "is false",
        ValueKind.String => "is one of " + string.Join(", ", Strings!.Order(StringComparer.Ordinal).Select(s => $"'{s}'")),
        _ => "may be anything",
    };

    public static Bounds Arithmetic(string op, Bounds a, Bounds b)
    {
        if (a.Kind != ValueKind.Number || b.Kind != ValueKind.Number)
            return Unknown;
        switch (op)
        {
            case "+":
                return Number(a.Low + b.Low, a.High + b.High);
            case "-":
                return Number(a.Low - b.High, a.High - b.Low);
            case "*":
                return Corners(a, b, (x, y) => x * y);
            case "/" when b.Low > 0 || b.High < 0:
                return Corners(a, b, (x, y) => x / y);
            default:
                return Unknown; // % and ** are not monotone; / by an interval holding 0 is unbounded
        }
    }

    private static Bounds Corners(Bounds a, Bounds b, Func<double, double, double> f)
    {
        double[] c = [f(a.Low, b.Low), f(a.Low, b.High), f(a.High, b.Low), f(a.High, b.High)];
        return c.Any(double.IsNaN) ? Unknown : Number(c.Min(), c.Max());
    }

    /// <summary>Whether <c>a op b</c> can be true and can be false.</summary>
    public static Bounds Compare(string op, Bounds a, Bounds b)
    {
        if (a.Kind == ValueKind.Number && b.Kind == ValueKind.Number)
        {
            return op switch
            {
                "<" => Truth(a.Low < b.High, a.High >= b.Low),
                "<=" => Truth(a.Low <= b.High, a.High > b.Low),
                ">" => Truth(a.High > b.Low, a.Low <= b.High),
                ">=" => Truth(a.High >= b.Low, a.Low < b.High),
                "==" => Truth(a.Low <= b.High && b.Low <= a.High, !(a.Low == a.High && b.Low == b.High && a.Low == b.Low)),
                "!=" => Truth(!(a.Low == a.High && b.Low == b.High && a.Low == b.Low), a.Low <= b.High && b.Low <= a.High),
                _ => Truth(true, true),
            };
        }
        if (a.Kind == ValueKind.String && b.Kind == ValueKind.String && op is "==" or "!=")
        {
            var overlap = a.Strings!.Overlaps(b.Strings!);
            var alwaysEqual = a.Strings!.Count == 1 && b.Strings!.Count == 1 && overlap;
            return op == "==" ? Truth(overlap, !alwaysEqual) : Truth(!alwaysEqual, overlap);
        }
        return Truth(true, true);
    }
}
