using System.Text.RegularExpressions;
using HoMM.StudyFiles.Binding;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles;

/// <summary>
/// The one rule for a study's name, however it enters (a study file's <c>name</c>, <c>run --fork</c>):
/// ASCII letters, digits, '.', '_', '-', starting with a letter or digit, at most 100 characters. A
/// name becomes a folder under runs/ and text in pages, so nothing else (no '/', '..', spaces,
/// markup or control characters) gets through.
/// </summary>
public static partial class StudyNames
{
    public const int MaxLength = 100;

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Null when <paramref name="name"/> is valid; else what is wrong, with the rule and an example.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsValid(name)
            ? null
            : $"'{ScalarValue.Abbreviate(NodeReader.Printable(name))}' is not a valid study name; use ASCII letters, digits, '.', '_' and '-' " +
              $"(starting with a letter or digit, at most {MaxLength} characters), e.g. fmnist-overnight";
    }

    // \z, not $: $ would also match before a final newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z")]
    private static partial Regex Pattern();
}
