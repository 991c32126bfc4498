using System.Globalization;

namespace HoMM.Core.Constraints;

/// <summary>
/// Recursive descent over the grammar (lowest precedence first):
/// or → and → not → comparison chain → + - → * / % → unary - → ** (right-associative) → primary.
/// </summary>
internal sealed class Parser
{
    // Deep enough for any real constraint, shallow enough that "((((…" or a chain "a + a + …"
    // (each operator one level of the tree the checks and evaluation walk) cannot overflow the stack.
    private const int MaxDepth = 100;

    // Size, apart from depth: a flat comparison chain or a call with 30,000 arguments is shallow but
    // no constraint anyone means; bounding the tokens bounds every node kind.
    private const int MaxTokens = 1000;

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
        var tokens = Lexer.Tokenize(text);
        if (tokens.Count - 1 > MaxTokens) // the last token is End
        {
            throw Lexer.Error(tokens[MaxTokens].Column, string.Create(CultureInfo.InvariantCulture,
                $"the constraint has {tokens.Count - 1} tokens (numbers, names, operators, parentheses); at most {MaxTokens} are allowed: split it into several constraints"));
        }
        var parser = new Parser(tokens);
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
            left = Bounded(new LogicalNode(op.Column, "or", left, ParseAnd()), op);
        }
        return left;
    }

    private Node ParseAnd()
    {
        var left = ParseNot();
        while (IsKeyword("and"))
        {
            var op = Advance();
            left = Bounded(new LogicalNode(op.Column, "and", left, ParseNot()), op);
        }
        return left;
    }

    private Node ParseNot()
    {
        if (!IsKeyword("not"))
            return ParseComparison();
        var op = Advance();
        return Nested(() => Bounded(new NotNode(op.Column, ParseNot()), op));
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
        return Bounded(new ComparisonNode(first.Column, operands, operators), _tokens[_position - 1]);
    }

    private static bool IsComparison(Token t) =>
        t.Kind == TokenKind.Operator && t.Text is "<" or "<=" or ">" or ">=" or "==" or "!=";

    private Node ParseAdditive()
    {
        var left = ParseTerm();
        while (Current.Kind == TokenKind.Operator && Current.Text is "+" or "-")
        {
            var op = Advance();
            left = Bounded(new ArithmeticNode(op.Column, op.Text, left, ParseTerm()), op);
        }
        return left;
    }

    private Node ParseTerm()
    {
        var left = ParseUnary();
        while (Current.Kind == TokenKind.Operator && Current.Text is "*" or "/" or "%")
        {
            var op = Advance();
            left = Bounded(new ArithmeticNode(op.Column, op.Text, left, ParseUnary()), op);
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
                return op.Text == "-" ? Bounded(new NegateNode(op.Column, operand), op) : operand;
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
        return Nested(() => Bounded(new ArithmeticNode(op.Column, "**", baseNode, ParseUnary()), op));
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
        return Bounded(new CallNode(name.Column, function, args), name);
    }

    /// <summary><paramref name="node"/>, unless its tree is deeper than <see cref="MaxDepth"/>: then an error at <paramref name="at"/>.</summary>
    private static Node Bounded(Node node, Token at) =>
        node.Height <= MaxDepth
            ? node
            : throw Lexer.Error(at.Column, string.Create(CultureInfo.InvariantCulture,
                $"the expression nests deeper than {MaxDepth} levels (at most {MaxDepth}; each operator of a chain such as 'a + b + c' is one level): split it into several constraints"));

    private T Nested<T>(Func<T> parse)
    {
        if (++_depth > MaxDepth)
            throw Lexer.Error(Current.Column, $"the expression nests deeper than {MaxDepth} levels (at most {MaxDepth}): split it into several constraints");
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
