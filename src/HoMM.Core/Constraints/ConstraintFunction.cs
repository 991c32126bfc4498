namespace HoMM.Core.Constraints;

/// <summary>A function expressions may call; all take and return numbers.</summary>
internal sealed class ConstraintFunction
{
    private readonly Func<double[], double> _apply;
    private readonly Func<double[], string?> _domainError;

    private ConstraintFunction(string name, int minArgs, int maxArgs, Func<double[], double> apply, Func<double[], string?>? domainError = null)
    {
        Name = name;
        MinArgs = minArgs;
        MaxArgs = maxArgs;
        _apply = apply;
        _domainError = domainError ?? (_ => null);
    }

    public string Name { get; }

    public int MinArgs { get; }

    public int MaxArgs { get; }

    public string Arity => (MinArgs, MaxArgs) switch
    {
        (1, 1) => "one argument",
        (2, 2) => "two arguments",
        (1, 2) => "one or two arguments",
        (var min, int.MaxValue) => $"{min} or more arguments",
        var (min, max) => $"{min} to {max} arguments",
    };

    public double Apply(double[] args, int column, string display)
    {
        if (_domainError(args) is { } problem)
            throw new ConstraintEvaluationException(column, $"{display}: {problem}");
        return _apply(args);
    }

    private static string? Positive(double[] args) =>
        args[0] <= 0 ? $"the argument must be > 0, but it is {args[0]}" : null;

    public static readonly IReadOnlyDictionary<string, ConstraintFunction> All = new[]
    {
        // log(x) is the natural logarithm, log(x, base) any other: log(dim, 2).
        new ConstraintFunction("log", 1, 2, a => a.Length == 1 ? Math.Log(a[0]) : Math.Log(a[0], a[1]),
            a => Positive(a) ?? (a.Length == 2 && (a[1] <= 0 || a[1] == 1) ? $"the base must be > 0 and not 1, but it is {a[1]}" : null)),
        new ConstraintFunction("log2", 1, 1, a => Math.Log2(a[0]), Positive),
        new ConstraintFunction("log10", 1, 1, a => Math.Log10(a[0]), Positive),
        new ConstraintFunction("exp", 1, 1, a => Math.Exp(a[0])),
        new ConstraintFunction("sqrt", 1, 1, a => Math.Sqrt(a[0]),
            a => a[0] < 0 ? $"the argument must be ≥ 0, but it is {a[0]}" : null),
        new ConstraintFunction("abs", 1, 1, a => Math.Abs(a[0])),
        new ConstraintFunction("floor", 1, 1, a => Math.Floor(a[0])),
        new ConstraintFunction("ceil", 1, 1, a => Math.Ceiling(a[0])),
        new ConstraintFunction("min", 2, int.MaxValue, a => a.Min()),
        new ConstraintFunction("max", 2, int.MaxValue, a => a.Max()),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);
}
