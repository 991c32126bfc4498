using System.Globalization;

namespace HoMM.StudyFiles.Yaml;

/// <summary>
/// A 1-based position in the study file, or, when <see cref="Origin"/> is not 0, in the
/// <see cref="Origin"/>-th <c>--set</c> override (1-based), whose text then locates the problem.
/// </summary>
internal readonly record struct SourceMark(int Line, int Column, int Origin = 0)
{
    public SourceMark Offset(int columns) => this with { Column = Column + columns };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Line}:{Column}");
}

/// <summary>
/// The study file as a tree that remembers where each node was written. Our own small tree rather
/// than YamlDotNet's representation model, because that one rejects duplicate keys with an
/// exception and forgets the quoting style we need to tell "3" from 3.
/// </summary>
internal abstract class YNode(SourceMark mark)
{
    public SourceMark Mark { get; } = mark;

    /// <summary>What this node is, for "expected a number, found a list" messages.</summary>
    public abstract string Describe();
}

internal sealed class YSequence(SourceMark mark) : YNode(mark)
{
    public List<YNode> Items { get; } = [];

    public override string Describe() => "a list";
}

internal sealed record YEntry(YScalar Key, YNode Value);

internal sealed class YMapping(SourceMark mark) : YNode(mark)
{
    public List<YEntry> Entries { get; } = [];

    public YNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key)?.Value;

    public YEntry? Entry(string key) => Entries.FirstOrDefault(e => e.Key.Value == key);

    public override string Describe() => "a mapping";
}

/// <summary>How a YAML tag forces a scalar's type (<c>!!str 5</c> is a string).</summary>
internal enum ScalarTag
{
    None,
    String,
    Int,
    Float,
    Bool,
    Null,
}

internal sealed class YScalar(SourceMark mark, string value, bool plain, bool singleLine, ScalarTag tag) : YNode(mark)
{
    public string Value { get; } = value;

    /// <summary>Written without quotes or block indicators: only plain scalars can be numbers, booleans or null.</summary>
    public bool IsPlain { get; } = plain;

    /// <summary>
    /// True when each character of <see cref="Value"/> sits on the scalar's first line at a fixed
    /// offset from <see cref="SourceMark"/>, so an error inside the value (a constraint's column)
    /// can be located exactly. (Quoted values with escapes are not, and are located at their start.)
    /// </summary>
    public bool MapsColumns { get; } = singleLine;

    public ScalarTag Tag { get; } = tag;

    private ScalarValue? _resolved;

    /// <summary>The value under the YAML 1.2 core schema (plus '_' digit separators), computed once.</summary>
    public ScalarValue Resolved => _resolved ??= ScalarValue.Resolve(this);

    /// <summary>The position of the character at <paramref name="index"/> (0-based) of <see cref="Value"/>.</summary>
    public SourceMark MarkAt(int index) =>
        MapsColumns ? Mark.Offset(index + (IsPlain ? 0 : 1)) : Mark;

    public override string Describe() => Resolved.Describe();
}
