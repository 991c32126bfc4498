using System.Globalization;

namespace HoMM.Core.Constraints;

/// <summary>The run-time value of a sub-expression.</summary>
internal readonly record struct Value(ValueKind Kind, double Number, bool Bool, string? Text)
{
    public static Value Of(double x) => new(ValueKind.Number, x, false, null);

    public static Value Of(bool b) => new(ValueKind.Bool, 0, b, null);

    public static Value Of(string s) => new(ValueKind.String, 0, false, s);

    public object ToObject() => Kind switch
    {
        ValueKind.Number => Number,
        ValueKind.Bool => Bool,
        _ => Text!,
    };

    public static string Describe(ValueKind kind) => kind switch
    {
        ValueKind.Number => "a number",
        ValueKind.Bool => "a true/false value",
        ValueKind.String => "a string",
        _ => "a value",
    };

    public override string ToString() => Kind switch
    {
        ValueKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        ValueKind.Bool => Bool ? "true" : "false",
        _ => $"'{Text}'",
    };
}

/// <summary>What the static check needs: the kind of each known parameter, and where to put errors.</summary>
internal sealed class CheckContext(IReadOnlyDictionary<string, ValueKind> parameters)
{
    public IReadOnlyDictionary<string, ValueKind> Parameters { get; } = parameters;

    public List<ConstraintError> Errors { get; } = [];

    /// <summary>Reports that <paramref name="node"/> gives <paramref name="actual"/> where <paramref name="expected"/> is needed.</summary>
    public void Expect(Node node, ValueKind actual, ValueKind expected, string role)
    {
        if (actual != ValueKind.Any && actual != expected)
        {
            var must = expected == ValueKind.Bool ? "true or false" : Value.Describe(expected);
            Errors.Add(new ConstraintError(node.Start, $"{role} must be {must}, but {node.Display()} is {Value.Describe(actual)}"));
        }
    }
}

internal abstract record Node(int Column)
{
    /// <summary>The column where the text of this node begins (Column is where errors of the node itself point, e.g. an operator).</summary>
    public virtual int Start => Column;

    /// <summary>The longest path from this node to a leaf (1 for a leaf); the parser bounds it so the recursive walks stay shallow.</summary>
    public abstract int Height { get; }

    public abstract Value Evaluate(IReadOnlyDictionary<string, object> parameters);

    /// <summary>The kind this node produces; reports problems to <paramref name="context"/>, returning Any when unknown.</summary>
    public abstract ValueKind Check(CheckContext context);

    public abstract void CollectNames(List<NameNode> names);

    /// <summary>What this node can give when each parameter lies within its <paramref name="parameters"/> bounds (absent: unknown).</summary>
    public abstract Bounds Range(IReadOnlyDictionary<string, Bounds> parameters);

    /// <summary>A short rendering for error messages.</summary>
    public abstract string Display();

    protected static double AsNumber(Value v, Node node, string role) =>
        v.Kind == ValueKind.Number
            ? v.Number
            : throw new ConstraintEvaluationException(node.Column, $"{role} must be a number, but {node.Display()} is {v}");

    protected static bool AsBool(Value v, Node node, string role) =>
        v.Kind == ValueKind.Bool
            ? v.Bool
            : throw new ConstraintEvaluationException(node.Column, $"{role} must be true or false, but {node.Display()} is {v}");
}

internal sealed record LiteralNode(int Column, Value Value, string Source) : Node(Column)
{
    public override Bounds Range(IReadOnlyDictionary<string, Bounds> parameters) => Value.Kind switch
    {
        ValueKind.Number => Bounds.Number(Value.Number, Value.Number),
        ValueKind.Bool => Bounds.Truth(Value.Bool, !Value.Bool),
        ValueKind.String => Bounds.Text(new HashSet<string>([Value.Text!], StringComparer.Ordinal)),
        _ => Bounds.Unknown,
    };

    public override int Height { get; } = 1;

    public override Value Evaluate(IReadOnlyDictionary<string, object> parameters) => Value;

    public override ValueKind Check(CheckContext context) => Value.Kind;

    public override void CollectNames(List<NameNode> names)
    {
    }

    public override string Display() => Source;
}

internal sealed record NameNode(int Column, string Name) : Node(Column)
{
    public override Bounds Range(IReadOnlyDictionary<string, Bounds> parameters) =>
        parameters.TryGetValue(Name, out var b) ? b : Bounds.Unknown;

    public override int Height { get; } = 1;

    public override Value Evaluate(IReadOnlyDictionary<string, object> parameters)
    {
        if (!parameters.TryGetValue(Name, out var raw))
            throw new ConstraintEvaluationException(Column, $"parameter '{Name}' has no value in this trial");
        return raw switch
        {
            double d => Value.Of(d),
            float f => Value.Of(f),
            long l => Value.Of(l),
            int i => Value.Of(i),
            decimal m => Value.Of((double)m),
            bool b => Value.Of(b),
            string s => Value.Of(s),
            _ => throw new ConstraintEvaluationException(Column, $"parameter '{Name}' holds {raw?.GetType().Name ?? "null"}, which expressions cannot use"),
        };
    }

    public override ValueKind Check(CheckContext context)
    {
        if (context.Parameters.TryGetValue(Name, out var kind))
            return kind;
        var suggestion = NameSuggestion.Closest(Name, context.Parameters.Keys);
        var known = context.Parameters.Count == 0
            ? "the search space declares no parameters"
            : "parameters: " + string.Join(", ", context.Parameters.Keys);
        context.Errors.Add(new ConstraintError(Column,
            $"unknown parameter '{Name}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?") + $" ({known})"));
        return ValueKind.Any;
    }

    public override void CollectNames(List<NameNode> names) => names.Add(this);

    public override string Display() => Name;
}

internal sealed record NegateNode(int Column, Node Operand) : Node(Column)
{
    public override Bounds Range(IReadOnlyDictionary<string, Bounds> parameters) =>
        Operand.Range(parameters) is { Kind: ValueKind.Number } b ? Bounds.Number(-b.High, -b.Low) : Bounds.Unknown;

    public override int Height { get; } = 1 + Operand.Height;

    public override Value Evaluate(IReadOnlyDictionary<string, object> parameters) =>
        Value.Of(-AsNumber(Operand.Evaluate(parameters), Operand, "the operand of '-'"));

    public override ValueKind Check(CheckContext context)
    {
        context.Expect(Operand, Operand.Check(context), ValueKind.Number, "the operand of '-'");
        return ValueKind.Number;
    }

    public override void CollectNames(List<NameNode> names) => Operand.CollectNames(names);

    public override string Display() => "-" + Operand.Display();
}

internal sealed record ArithmeticNode(int Column, string Operator, Node Left, Node Right) : Node(Column)
{
    public override Bounds Range(IReadOnlyDictionary<string, Bounds> parameters) =>
        Bounds.Arithmetic(Operator, Left.Range(parameters), Right.Range(parameters));

    public override int Height { get; } = 1 + Math.Max(Left.Height, Right.Height);

    public override Value Evaluate(IReadOnlyDictionary<string, object> parameters)
    {
        var role = $"each side of '{Operator}'";
        var a = AsNumber(Left.Evaluate(parameters), Left, role);
        var b = AsNumber(Right.Evaluate(parameters), Right, role);
        var result = Operator switch
        {
            "+" => a + b,
            "-" => a - b,
            "*" => a * b,
            "/" when b == 0 => throw new ConstraintEvaluationException(Column, $"division by zero ({Right.Display()} is 0)"),
            "/" => a / b,
            "%" when b == 0 => throw new ConstraintEvaluationException(Column, $"remainder of a division by zero ({Right.Display()} is 0)"),
            // Python's sign convention (the result takes the divisor's sign), which users of these expressions expect.
            "%" => a - (b * Math.Floor(a / b)),
            "**" => Math.Pow(a, b),
            _ => throw new InvalidOperationException("unknown operator " + Operator),
        };
        if (double.IsNaN(result))
            throw new ConstraintEvaluationException(Column, $"{Display()} is not a number for {a} and {b}");
        return Value.Of(result);
    }

    public override ValueKind Check(CheckContext context)
    {
        var role = $"each side of '{Operator}'";
        context.Expect(Left, Left.Check(context), ValueKind.Number, role);
        context.Expect(Right, Right.Check(context), ValueKind.Number, role);
        return ValueKind.Number;
    }

    public override void CollectNames(List<NameNode> names)
    {
        Left.CollectNames(names);
        Right.CollectNames(names);
    }

    public override int Start => Left.Start;

    public override string Display() => $"({Left.Display()} {Operator} {Right.Display()})";
}

/// <summary>A comparison chain: <c>1 &lt;= order &lt;= 4</c> means both comparisons hold (as in Python).</summary>
internal sealed record ComparisonNode(int Column, IReadOnlyList<Node> Operands, IReadOnlyList<(string Op, int Column)> Operators) : Node(Column)
{
    public override Bounds Range(IReadOnlyDictionary<string, Bounds> parameters)
    {
        // A chain holds when every link does: it cannot be true if one link cannot.
        var ranges = Operands.Select(o => o.Range(parameters)).ToList();
        bool canBeTrue = true, canBeFalse = false;
        for (var i = 0; i < Operators.Count; i++)
        {
            var link = Bounds.Compare(Operators[i].Op, ranges[i], ranges[i + 1]);
            canBeTrue &= link.CanBeTrue;
            canBeFalse |= link.CanBeFalse;
        }
        return Bounds.Truth(canBeTrue, canBeFalse);
    }

    public override int Height { get; } = 1 + Operands.Max(o => o.Height);

    public override Value Evaluate(IReadOnlyDictionary<string, object> parameters)
    {
        var left = Operands[0].Evaluate(parameters);
        for (var i = 0; i < Operators.Count; i++)
        {
            var right = Operands[i + 1].Evaluate(parameters);
            if (!Compare(Operators[i].Op, Operands[i], left, Operands[i + 1], right))
                return Value.Of(false);
            left = right;
        }
        return Value.Of(true);
    }

    private static bool Compare(string op, Node leftNode, Value a, Node rightNode, Value b)
    {
        if (op is "==" or "!=")
        {
            var equal = (a.Kind, b.Kind) switch
            {
                (ValueKind.Number, ValueKind.Number) => a.Number == b.Number,
                (ValueKind.Bool, ValueKind.Bool) => a.Bool == b.Bool,
                (ValueKind.String, ValueKind.String) => a.Text == b.Text,
                _ => false,
            };
            return op == "==" ? equal : !equal;
        }
        var role = $"each side of '{op}'";
        var x = AsNumber(a, leftNode, role);
        var y = AsNumber(b, rightNode, role);
        return op switch
        {
            "<" => x < y,
            "<=" => x <= y,
            ">" => x > y,
            ">=" => x >= y,
            _ => throw new InvalidOperationException("unknown comparison " + op),
        };
    }

    public override ValueKind Check(CheckContext context)
    {
        var kinds = Operands.Select(o => o.Check(context)).ToList();
        for (var i = 0; i < Operators.Count; i++)
        {
            var (op, column) = Operators[i];
            if (op is "==" or "!=")
            {
                var (a, b) = (kinds[i], kinds[i + 1]);
                if (a != ValueKind.Any && b != ValueKind.Any && a != b)
                {
                    context.Errors.Add(new ConstraintError(column,
                        $"'{op}' compares {Operands[i].Display()} ({Value.Describe(a)}) with {Operands[i + 1].Display()} ({Value.Describe(b)}); they can never be equal"));
                }
            }
            else
            {
                context.Expect(Operands[i], kinds[i], ValueKind.Number, $"each side of '{op}'");
                context.Expect(Operands[i + 1], kinds[i + 1], ValueKind.Number, $"each side of '{op}'");
            }
        }
        return ValueKind.Bool;
    }

    public override void CollectNames(List<NameNode> names)
    {
        foreach (var o in Operands)
            o.CollectNames(names);
    }

    public override int Start => Operands[0].Start;

    public override string Display()
    {
        var parts = new List<string> { Operands[0].Display() };
        for (var i = 0; i < Operators.Count; i++)
        {
            parts.Add(Operators[i].Op);
            parts.Add(Operands[i + 1].Display());
        }
        return "(" + string.Join(' ', parts) + ")";
    }
}

internal sealed record LogicalNode(int Column, string Operator, Node Left, Node Right) : Node(Column)
{
    public override Bounds Range(IReadOnlyDictionary<string, Bounds> parameters)
    {
        var (a, b) = (Left.Range(parameters), Right.Range(parameters));
        return Operator == "and"
            ? Bounds.Truth(a.CanBeTrue && b.CanBeTrue, a.CanBeFalse || b.CanBeFalse)
            : Bounds.Truth(a.CanBeTrue || b.CanBeTrue, a.CanBeFalse && b.CanBeFalse);
    }

    public override int Height { get; } = 1 + Math.Max(Left.Height, Right.Height);

    public override Value Evaluate(IReadOnlyDictionary<string, object> parameters)
    {
        var role = $"each side of '{Operator}'";
        var a = AsBool(Left.Evaluate(parameters), Left, role);
        // Short-circuit like Python, so "optimizer == 'sgd' and momentum > 0.9" never reads an absent momentum.
        if (Operator == "and" && !a)
            return Value.Of(false);
        if (Operator == "or" && a)
            return Value.Of(true);
        return Value.Of(AsBool(Right.Evaluate(parameters), Right, role));
    }

    public override ValueKind Check(CheckContext context)
    {
        var role = $"each side of '{Operator}'";
        context.Expect(Left, Left.Check(context), ValueKind.Bool, role);
        context.Expect(Right, Right.Check(context), ValueKind.Bool, role);
        return ValueKind.Bool;
    }

    public override void CollectNames(List<NameNode> names)
    {
        Left.CollectNames(names);
        Right.CollectNames(names);
    }

    public override int Start => Left.Start;

    public override string Display() => $"({Left.Display()} {Operator} {Right.Display()})";
}

internal sealed record NotNode(int Column, Node Operand) : Node(Column)
{
    public override Bounds Range(IReadOnlyDictionary<string, Bounds> parameters)
    {
        var b = Operand.Range(parameters);
        return Bounds.Truth(b.CanBeFalse, b.CanBeTrue);
    }

    public override int Height { get; } = 1 + Operand.Height;

    public override Value Evaluate(IReadOnlyDictionary<string, object> parameters) =>
        Value.Of(!AsBool(Operand.Evaluate(parameters), Operand, "the operand of 'not'"));

    public override ValueKind Check(CheckContext context)
    {
        context.Expect(Operand, Operand.Check(context), ValueKind.Bool, "the operand of 'not'");
        return ValueKind.Bool;
    }

    public override void CollectNames(List<NameNode> names) => Operand.CollectNames(names);

    public override string Display() => "not " + Operand.Display();
}

internal sealed record CallNode(int Column, ConstraintFunction Function, IReadOnlyList<Node> Arguments) : Node(Column)
{
    public override Bounds Range(IReadOnlyDictionary<string, Bounds> parameters)
    {
        var args = Arguments.Select(a => a.Range(parameters)).ToList();
        if (args.Any(a => a.Kind != ValueKind.Number))
            return Bounds.Unknown;
        if (Function.Name == "abs")
        {
            var (lo, hi) = (args[0].Low, args[0].High);
            return lo >= 0 ? Bounds.Number(lo, hi) : hi <= 0 ? Bounds.Number(-hi, -lo) : Bounds.Number(0, Math.Max(-lo, hi));
        }
        if (Function.Name == "log" && args.Count == 2)
            return Bounds.Unknown;
        // The other functions never decrease in any argument: the ends map to the ends.
        try
        {
            return Bounds.Number(Function.Apply(args.Select(a => a.Low).ToArray(), Column, ""), Function.Apply(args.Select(a => a.High).ToArray(), Column, ""));
        }
        catch (ConstraintEvaluationException)
        {
            return Bounds.Unknown; // part of the range is outside the function's domain
        }
    }

    public override int Height { get; } = 1 + Arguments.Select(a => a.Height).DefaultIfEmpty(0).Max();

    public override Value Evaluate(IReadOnlyDictionary<string, object> parameters)
    {
        var role = $"an argument of {Function.Name}";
        var args = Arguments.Select(a => AsNumber(a.Evaluate(parameters), a, role)).ToArray();
        return Value.Of(Function.Apply(args, Column, Display()));
    }

    public override ValueKind Check(CheckContext context)
    {
        foreach (var a in Arguments)
            context.Expect(a, a.Check(context), ValueKind.Number, $"an argument of {Function.Name}");
        return ValueKind.Number;
    }

    public override void CollectNames(List<NameNode> names)
    {
        foreach (var a in Arguments)
            a.CollectNames(names);
    }

    public override string Display() => $"{Function.Name}({string.Join(", ", Arguments.Select(a => a.Display()))})";
}
