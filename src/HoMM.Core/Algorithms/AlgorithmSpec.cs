namespace HoMM.Core.Algorithms;

/// <summary>The kind of value an option takes.</summary>
public enum OptionType
{
    Bool,
    Int,

    /// <summary>An integer, or the string "auto".</summary>
    IntOrAuto,
    Float,

    /// <summary>One of <see cref="OptionSpec.Choices"/>.</summary>
    Choice,

    /// <summary>A nested pruner: a mapping with <c>kind</c> and that pruner's options (the pruner a patient pruner wraps).</summary>
    Pruner,

    /// <summary>A mapping from parameter name to a list of values (the grid sampler's <c>search_space</c>).</summary>
    ValueLists,
}

/// <summary>
/// One option of a sampler or pruner: its snake_case name (Optuna's where Optuna has it), type,
/// default (null: none, the option is optional) and the range a study file may give.
/// </summary>
public sealed record OptionSpec(
    string Name,
    OptionType Type,
    object? Default,
    string Meaning,
    double Min = double.NegativeInfinity,
    double Max = double.PositiveInfinity,
    bool MinExclusive = false,
    IReadOnlyList<string>? Choices = null,
    bool Required = false);

/// <summary>A sampler or pruner kind: canonical name, aliases, accepted options, one-line summary.</summary>
public sealed record AlgorithmSpec(string Kind, IReadOnlyList<string> Aliases, IReadOnlyList<OptionSpec> Options, string Summary)
{
    public OptionSpec? Option(string name) => Options.FirstOrDefault(o => o.Name == name);

    /// <summary>The canonical name and its aliases.</summary>
    public IEnumerable<string> Names => Aliases.Prepend(Kind);
}

/// <summary>One thing wrong with a sampler or pruner definition; <see cref="Option"/> is null when the kind itself is wrong.</summary>
public sealed record AlgorithmOptionError(string? Option, string Message);

/// <summary>A sampler or pruner definition that cannot be built; <see cref="Errors"/> lists every problem found.</summary>
public sealed class AlgorithmOptionException : ArgumentException
{
    public AlgorithmOptionException()
    {
    }

    public AlgorithmOptionException(string message)
        : base(message)
    {
    }

    public AlgorithmOptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AlgorithmOptionException(string role, string kind, IReadOnlyList<AlgorithmOptionError> errors)
        : base($"{role} '{kind}': " + string.Join("; ", errors.Select(e => e.Message)))
    {
        Kind = kind;
        Errors = errors;
    }

    public string Kind { get; } = "";

    public IReadOnlyList<AlgorithmOptionError> Errors { get; } = [];
}
