namespace HoMM.Core.Constraints;

/// <summary>
/// A problem in a constraint expression, at a 1-based <see cref="Column"/> of its text, so a study
/// file can point at the exact character inside the YAML scalar that holds the expression.
/// </summary>
public sealed record ConstraintError(int Column, string Message)
{
    public override string ToString() => $"column {Column}: {Message}";
}

/// <summary>The expression text is not a valid constraint (thrown by <see cref="ConstraintExpression.Parse"/>).</summary>
public sealed class ConstraintSyntaxException : FormatException
{
    public ConstraintSyntaxException(ConstraintError error)
        : base(error?.ToString())
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public ConstraintSyntaxException()
        : this(new ConstraintError(1, "invalid constraint"))
    {
    }

    public ConstraintSyntaxException(string message)
        : this(new ConstraintError(1, message))
    {
    }

    public ConstraintSyntaxException(string message, Exception innerException)
        : base(message, innerException) => Error = new ConstraintError(1, message);

    public ConstraintError Error { get; }

    public int Column => Error.Column;
}

/// <summary>
/// A constraint could not be evaluated for given parameter values: a value of the wrong kind,
/// a division by zero, the logarithm of a non-positive number. Callers treat the trial as infeasible.
/// </summary>
public sealed class ConstraintEvaluationException : InvalidOperationException
{
    public ConstraintEvaluationException()
    {
    }

    public ConstraintEvaluationException(string message)
        : base(message)
    {
    }

    public ConstraintEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConstraintEvaluationException(int column, string message)
        : base($"column {column}: {message}") => Column = column;

    /// <summary>Where in the expression evaluation failed (1-based), or 0 when unknown.</summary>
    public int Column { get; }
}
