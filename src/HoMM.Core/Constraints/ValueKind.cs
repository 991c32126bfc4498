namespace HoMM.Core.Constraints;

/// <summary>
/// What a parameter (or sub-expression) holds, for checking an expression before any trial runs:
/// float and int parameters are numbers; a categorical parameter is a number, string or boolean
/// when all its choices are, and <see cref="Any"/> when they are mixed (checked at evaluation).
/// </summary>
public enum ValueKind
{
    Number,
    Bool,
    String,
    Any,
}
