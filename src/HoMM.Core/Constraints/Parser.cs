using System.Globalization;

namespace HoMM.Core.Constraints;

/// <summary>
/// Recursive descent over the grammar (lowest precedence first):
/// or → and → not → comparison chain → + - → * / % → unary - → ** (right-associative) → primary.
/// </summary>
internal sealed class Parser
{
    // Deep enough for any real constraint, shallow enough that "((((…" cannot overflow the stack.
    private const int MaxDepth = 100;

    private static readonly HashSet<string> Keywords = ["and", "or", "not", "true", "false", "True", "False"];

    private readonly List<Token> _tokens;
    private int _position;
    private int _depth;

    private Parser(List<Token> tokens) => _tokens = tokens;

    private Token Current => _tokens[_position];

    public static Node Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Lexer.Error(1, "the constraint is empty; write a comparison such as 'order * order_expand <= 16'");
        var parser = new Parser(Lexer.Tokenize(text));
        var node = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End)
        {
            var t = parser.Current;
            var hint = t.Kind is TokenKind.Name or TokenKind.Number or TokenKind.String or TokenKind.LeftParen
                ? "; an operator (such as '*', '<=' or 'and') is missing before it"
                : "";
            throw Lexer.Error(t.Column, $"unexpected {t.Describe()}{hint}");
        }
        return node;
    }

    private Token Advance() => _tokens[_position++];

    private bool IsKeyword(string word) => Current.Is(TokenKind.Name, word);

    private Node ParseOr()
    {
        var left = ParseAnd();
        while (IsKeyword("or"))
        {
            var op = Advance();
            left = new LogicalNode(op.Column, "or", left, ParseAnd());
        }
        return left;
    }

    private Node ParseAnd()
    {
        var left = ParseNot();
        while (IsKeyword("and"))
        {
            var op = Advance();
            left = new LogicalNode(op.Column, "and", left, ParseNot());
        }
        return left;
    }

    private Node ParseNot()
    {
        if (!IsKeyword("not"))
            return ParseComparison();
        var op = Advance();
        return Nested(() => new NotNode(op.Column, ParseNot()));
    }

    private Node ParseComparison()
    {
        var first = ParseAdditive();
        if (!IsComparison(Current))
            return first;
        var operands = new List<Node> { first };
        var operators = new List<(string, int)>();
        while (IsComparison(Current))
        {
            var op = Advance();
            operators.Add((op.Text, op.Column));
            operands.Add(ParseAdditive());
        }
        return new ComparisonNode(first.Column, operands, operators);
    }

    private static bool IsComparison(Token t) =>
        t.Kind == TokenKind.Operator && t.Text is "<" or "<=" or ">" or ">=" or "==" or "!=";

    private Node ParseAdditive()
    {
        var left = ParseTerm();
        while (Current.Kind == TokenKind.Operator && Current.Text is "+" or "-")
        {
            var op = Advance();
            left = new ArithmeticNode(op.Column, op.Text, left, ParseTerm());
        }
        return left;
    }

    private Node ParseTerm()
    {
        var left = ParseUnary();
        while (Current.Kind == TokenKind.Operator && Current.Text is "*" or "/" or "%")
        {
            var op = Advance();
            left = new ArithmeticNode(op.Column, op.Text, left, ParseUnary());
        }
        return left;
    }

    private Node ParseUnary()
    {
        if (Current.Kind == TokenKind.Operator && Current.Text is "-" or "+")
        {
            var op = Advance();
            return Nested(() =>
            {
                var operand = ParseUnary();
                return op.Text == "-" ? new NegateNode(op.Column, operand) : operand;
            });
        }
        return ParsePower();
    }

    private Node ParsePower()
    {
        var baseNode = ParsePrimary();
        if (!Current.Is(TokenKind.Operator, "**"))
            return baseNode;
        var op = Advance();
        // -2 ** 2 is -(2 ** 2) and 2 ** -1 is allowed, as in Python: the exponent is a unary expression.
        return Nested(() => new ArithmeticNode(op.Column, "**", baseNode, ParseUnary()));
    }

    private Node ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Advance();
                return new LiteralNode(t.Column, Value.Of(t.Number), t.Text);
            case TokenKind.String:
                Advance();
                return new LiteralNode(t.Column, Value.Of(t.Text), $"'{t.Text}'");
            case TokenKind.LeftParen:
            {
                Advance();
                var inner = Nested(ParseOr);
                if (Current.Kind != TokenKind.RightParen)
                    throw Lexer.Error(Current.Column, $"expected ')' to close the '(' at column {t.Column}, found {Current.Describe()}");
                Advance();
                return inner;
            }
            case TokenKind.Name when t.Text is "true" or "True" or "false" or "False":
                Advance();
                return new LiteralNode(t.Column, Value.Of(t.Text is "true" or "True"), t.Text.ToLowerInvariant());
            case TokenKind.Name when Keywords.Contains(t.Text):
                throw Lexer.Error(t.Column, $"expected a number, a parameter name or '(', found '{t.Text}'" +
                    (t.Text == "not" ? " (put 'not …' in parentheses here)" : ""));
            case TokenKind.Name:
                Advance();
                return Current.Kind == TokenKind.LeftParen ? ParseCall(t) : new NameNode(t.Column, t.Text);
            case TokenKind.End:
                throw Lexer.Error(t.Column, "the expression ends too early; a value is missing");
            default:
                throw Lexer.Error(t.Column, $"expected a number, a parameter name or '(', found {t.Describe()}");
        }
    }

    private Node ParseCall(Token name)
    {
        if (!ConstraintFunction.All.TryGetValue(name.Text, out var function))
        {
            var suggestion = NameSuggestion.Closest(name.Text, ConstraintFunction.All.Keys);
            throw Lexer.Error(name.Column,
                $"unknown function '{name.Text}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?") +
                $" (functions: {string.Join(", ", ConstraintFunction.All.Keys)})");
        }
        var open = Advance();
        var args = new List<Node>();
        if (Current.Kind != TokenKind.RightParen)
        {
            while (true)
            {
                args.Add(Nested(ParseOr));
                if (Current.Kind == TokenKind.Comma)
                {
                    Advance();
                    continue;
                }
                if (Current.Kind == TokenKind.RightParen)
                    break;
                throw Lexer.Error(Current.Column, $"expected ',' or ')' in the call of {name.Text} (opened at column {open.Column}), found {Current.Describe()}");
            }
        }
        Advance();
        if (args.Count < function.MinArgs || args.Count > function.MaxArgs)
        {
            throw Lexer.Error(name.Column, string.Create(CultureInfo.InvariantCulture,
                $"{name.Text} takes {function.Arity}, but {args.Count} were given"));
        }
        return new CallNode(name.Column, function, args);
    }

    private T Nested<T>(Func<T> parse)
    {
        if (++_depth > MaxDepth)
            throw Lexer.Error(Current.Column, $"the expression nests deeper than {MaxDepth} levels");
        try
        {
            return parse();
        }
        finally
        {
            _depth--;
        }
    }
}
