using System.Text;
using HoMM.Core.Trials;

namespace HoMM.StudyFiles.Trainer;

/// <summary>
/// Text with <c>{name}</c> placeholders, such as a command argument <c>--lr={lr}</c>. <c>{{</c> and
/// <c>}}</c> stand for literal braces. Placeholders name search-space parameters or one of
/// <see cref="ReservedNames"/>, which the dispatcher fills in for each trial. The one template
/// engine: the study file validates with it and the dispatcher renders with it.
/// </summary>
public sealed class TemplateString
{
    /// <summary>The trial's number in the study, its own directory, the JSON file with all its parameters, the study's name.</summary>
    public static readonly IReadOnlyList<string> ReservedNames = ["trial_number", "trial_dir", "params_file", "study"];

    /// <summary>
    /// What the placeholders of one trial stand for: its parameters and the <see cref="ReservedNames"/>
    /// (<c>study</c> only when <paramref name="study"/> is given).
    /// </summary>
    public static IReadOnlyDictionary<string, object> TrialValues(
        IReadOnlyDictionary<string, object> parameters, int trialNumber, string trialDirectory, string paramsFile, string? study)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var values = new Dictionary<string, object>(parameters, StringComparer.Ordinal)
        {
            ["trial_number"] = (long)trialNumber,
            ["trial_dir"] = trialDirectory,
            ["params_file"] = paramsFile,
        };
        if (study is not null)
            values["study"] = study;
        return values;
    }

    private readonly IReadOnlyList<(bool IsPlaceholder, string Text)> _parts;

    private TemplateString(string text, IReadOnlyList<(bool, string)> parts)
    {
        Text = text;
        _parts = parts;
        Placeholders = parts.Where(p => p.Item1).Select(p => p.Item2).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The text as written in the study file.</summary>
    public string Text { get; }

    /// <summary>The distinct names used in placeholders, in order of first use.</summary>
    public IReadOnlyList<string> Placeholders { get; }

    /// <summary>Parses <paramref name="text"/>; on failure returns null and the 0-based index and reason.</summary>
    public static TemplateString? TryParse(string text, out (int Index, string Message)? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<(bool, string)>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
                continue;
            }
            if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                literal.Append('}');
                i += 2;
                continue;
            }
            if (c == '}')
            {
                error = (i, "a '}' without its '{'; write '}}' for a literal brace");
                return null;
            }
            if (c != '{')
            {
                literal.Append(c);
                i++;
                continue;
            }
            var end = text.IndexOf('}', i + 1);
            if (end < 0)
            {
                error = (i, "the placeholder starting here is not closed with '}'; write '{{' for a literal brace");
                return null;
            }
            var name = text[(i + 1)..end];
            if (name.Contains(':', StringComparison.Ordinal))
            {
                error = (i, $"'{{{name}}}': format specifications are not supported; values are written in full (write {{{name[..name.IndexOf(':', StringComparison.Ordinal)]}}})");
                return null;
            }
            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
            {
                error = (i, $"'{{{name}}}' is not a placeholder: write a parameter name in braces, such as {{lr}} (or '{{{{' for a literal brace)");
                return null;
            }
            if (literal.Length > 0)
            {
                parts.Add((false, literal.ToString()));
                literal.Clear();
            }
            parts.Add((true, name));
            i = end + 1;
        }
        if (literal.Length > 0)
            parts.Add((false, literal.ToString()));
        error = null;
        return new TemplateString(text, parts);
    }

    /// <summary>The text with each placeholder replaced by its value, formatted by <see cref="Format"/>.</summary>
    /// <exception cref="KeyNotFoundException">A placeholder has no value.</exception>
    public string Render(IReadOnlyDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sb = new StringBuilder();
        foreach (var (isPlaceholder, text) in _parts)
        {
            if (!isPlaceholder)
                sb.Append(text);
            else if (values.TryGetValue(text, out var v))
                sb.Append(Format(v));
            else
                throw new KeyNotFoundException($"no value for placeholder {{{text}}} in '{Text}'");
        }
        return sb.ToString();
    }

    /// <summary>A value as the trainer gets it (<see cref="ParamFormatter"/>: Python-style floats, invariant culture).</summary>
    public static string Format(object value) => ParamFormatter.Format(value);

    public override string ToString() => Text;
}
