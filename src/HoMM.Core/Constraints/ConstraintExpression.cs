using HoMM.Core.SearchSpace;

namespace HoMM.Core.Constraints;

/// <summary>
/// A condition over a trial's parameters, such as <c>order * order_expand &lt;= 16</c>, that a
/// sampled configuration must satisfy.
/// </summary>
/// <remarks>
/// Language: numbers (<c>3</c>, <c>0.5</c>, <c>1e-3</c>), strings in quotes (to compare categorical
/// choices), <c>true</c>/<c>false</c>, parameter names; <c>+ - * / % **</c>; comparisons
/// <c>&lt; &lt;= &gt; &gt;= == !=</c>, which chain (<c>2 &lt;= order &lt;= 4</c>); <c>and</c>, <c>or</c>,
/// <c>not</c>; parentheses; functions log (natural, or <c>log(x, base)</c>), log2, log10, exp, sqrt,
/// abs, floor, ceil, min, max. Precedence and the meaning of <c>%</c> and <c>**</c> follow Python.
/// Instances are immutable and thread-safe.
/// </remarks>
public sealed class ConstraintExpression
{
    private readonly Node _root;

    private ConstraintExpression(string text, Node root)
    {
        Text = text;
        _root = root;
        var names = new List<NameNode>();
        root.CollectNames(names);
        References = names.Select(n => new ParameterReference(n.Name, n.Column)).ToArray();
        ParameterNames = names.Select(n => n.Name).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>Every use of a parameter name, in order, with its 1-based column.</summary>
    public IReadOnlyList<ParameterReference> References { get; }

    /// <summary>The distinct parameter names the expression reads, in order of first use.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <exception cref="ConstraintSyntaxException">The text is not a valid expression; <see cref="ConstraintSyntaxException.Column"/> says where.</exception>
    public static ConstraintExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ConstraintExpression(text, Parser.Parse(text));
    }

    /// <summary>Parses <paramref name="text"/>, or returns false with the first syntax error.</summary>
    public static bool TryParse(string text, out ConstraintExpression? expression, out ConstraintError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            expression = Parse(text);
            error = null;
            return true;
        }
        catch (ConstraintSyntaxException e)
        {
            expression = null;
            error = e.Error;
            return false;
        }
    }

    /// <summary>
    /// Checks the expression against the parameters a search space declares, before any trial:
    /// unknown names (with a suggestion), operands of the wrong kind, and a result that is not
    /// true/false. Returns no errors when the expression is sound.
    /// </summary>
    public IReadOnlyList<ConstraintError> Check(IReadOnlyDictionary<string, ValueKind> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var context = new CheckContext(parameters);
        var kind = _root.Check(context);
        if (kind is not (ValueKind.Bool or ValueKind.Any))
        {
            context.Errors.Add(new ConstraintError(_root.Start,
                $"a constraint must be true or false, but this expression gives {Value.Describe(kind)}; " +
                "compare it with something, e.g. 'order * order_expand <= 16'"));
        }
        return context.Errors;
    }

    /// <summary>
    /// A proof that no configuration of the search space of <paramref name="parameters"/> satisfies the expression, found by
    /// propagating the parameters' bounds through it (interval arithmetic), or null. Null is no
    /// promise that some configuration does: only the obvious cases (<c>lr &gt; 5</c> with lr ≤ 1,
    /// <c>order * order_expand &gt; 100</c> with both ≤ 8) are proven. A constraint over a conditional
    /// parameter is never proven: a trial without that parameter is not bound by it.
    /// </summary>
    public string? WhyNeverSatisfied(IEnumerable<ParameterSpec> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var declared = parameters.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var specs = ParameterNames.Select(n => declared.GetValueOrDefault(n)).ToList();
        if (specs.Any(p => p is null || p.When is not null))
            return null;
        var bounds = specs.ToDictionary(p => p!.Name, p => Bounds.Of(p!.Distribution), StringComparer.Ordinal);
        if (_root.Range(bounds).CanBeTrue)
            return null;
        return bounds.Count == 0
            ? "it is false whatever the parameters"
            : "it is false for every configuration of the search space: " + string.Join(", ", bounds.Select(b => $"{b.Key} {b.Value.Describe()}"));
    }

    /// <summary>The value of the expression: a <see cref="double"/>, <see cref="bool"/> or <see cref="string"/>.</summary>
    /// <exception cref="ConstraintEvaluationException">A parameter is missing or of the wrong kind, or the arithmetic is undefined.</exception>
    public object Evaluate(IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return _root.Evaluate(parameters).ToObject();
    }

    /// <summary>
    /// True when the parameters satisfy the constraint. A constraint that reads a parameter absent
    /// from <paramref name="parameters"/> (an inactive conditional parameter) does not apply and
    /// counts as satisfied: "momentum &lt; 0.95" says nothing about trials without momentum.
    /// </summary>
    /// <exception cref="ConstraintEvaluationException">The expression does not give true/false, or cannot be computed.</exception>
    public bool IsSatisfiedBy(IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (ParameterNames.Any(n => !parameters.ContainsKey(n)))
            return true;
        var v = _root.Evaluate(parameters);
        return v.Kind == ValueKind.Bool
            ? v.Bool
            : throw new ConstraintEvaluationException(_root.Column, $"'{Text}' gives {v}, not true or false");
    }

    public override string ToString() => Text;
}

/// <summary>One use of a parameter name in an expression, at a 1-based column.</summary>
public readonly record struct ParameterReference(string Name, int Column);
