using System.Globalization;

namespace HoMM.Core.Constraints;

internal enum TokenKind
{
    Number,
    String,
    Name,
    Operator,
    LeftParen,
    RightParen,
    Comma,
    End,
}

/// <summary>One token; <see cref="Column"/> is 1-based.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Column, double Number = 0)
{
    public bool Is(TokenKind kind, string text) => Kind == kind && Text == text;

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the expression",
        TokenKind.String => $"the string '{Text}'",
        _ => $"'{Text}'",
    };
}

internal static class Lexer
{
    private static readonly string[] Operators = ["**", "<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "%"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var column = i + 1;
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                    i++;
                tokens.Add(new Token(TokenKind.Name, text[start..i], column));
                continue;
            }
            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                    throw Error(column, $"the string starting here has no closing {c}");
                tokens.Add(new Token(TokenKind.String, text[(i + 1)..end], column));
                i = end + 1;
                continue;
            }
            switch (c)
            {
                case '(':
                    tokens.Add(new Token(TokenKind.LeftParen, "(", column));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.RightParen, ")", column));
                    i++;
                    continue;
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ",", column));
                    i++;
                    continue;
                default:
                    break;
            }
            var op = Operators.FirstOrDefault(o => string.CompareOrdinal(text, i, o, 0, o.Length) == 0);
            if (op is not null)
            {
                tokens.Add(new Token(TokenKind.Operator, op, column));
                i += op.Length;
                continue;
            }
            throw Error(column, Unexpected(text, i));
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    private static Token ReadNumber(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
            i++;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
                i++;
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var save = i;
            i++;
            if (i < text.Length && text[i] is '+' or '-')
                i++;
            if (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                    i++;
            }
            else
            {
                i = save;
            }
        }
        if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
        {
            throw Error(start + 1, $"'{text[start..(i + 1)]}…' is not a number; write a multiplication " +
                               $"explicitly (e.g. '2 * x') and numbers without suffixes (e.g. 26000000)");
        }
        var literal = text[start..i];
        var value = double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
            throw Error(start + 1, $"the number {literal} is too large (the limit is about 1.8e308)");
        return new Token(TokenKind.Number, literal, start + 1, value);
    }

    /// <summary>Operators people bring from other languages get a pointer to ours.</summary>
    private static string Unexpected(string text, int i)
    {
        string Next(int n) => i + n <= text.Length ? text.Substring(i, n) : text[i..];
        return Next(2) switch
        {
            "&&" => "'&&' is not an operator here; write 'and'",
            "||" => "'||' is not an operator here; write 'or'",
            _ => text[i] switch
            {
                '=' => "'=' is assignment; compare with '=='",
                '!' => "'!' is not an operator here; write 'not' (or '!=' to compare)",
                '^' => "'^' is not an operator here; write '**' for powers",
                '&' => "'&' is not an operator here; write 'and'",
                '|' => "'|' is not an operator here; write 'or'",
                var ch when char.IsLetter(ch) =>
                    $"'{ch}' (U+{(int)ch:X4}) cannot start a name; parameter names use ASCII letters, digits and '_'",
                var ch when ch > 127 || char.IsControl(ch) =>
                    $"unexpected character U+{(int)ch:X4}; expressions use ASCII only",
                var ch => $"unexpected character '{ch}'",
            },
        };
    }

    internal static ConstraintSyntaxException Error(int column, string message) =>
        new(new ConstraintError(column, message));
}
