using System.Globalization;
using HoMM.StudyFiles.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HoMM.StudyFiles.Yaml;

/// <summary>
/// Reads YAML text into a <see cref="YNode"/> tree with positions, reporting what YamlDotNet's
/// own loaders would throw on or silently accept: duplicate keys, several documents, unknown
/// aliases, custom tags, control characters, absurd nesting. Merge keys (<c>&lt;&lt;: *base</c>) work.
/// </summary>
internal sealed class YamlReader
{
    // A study file is a few levels deep; this stops pathological input long before any stack issue.
    private const int MaxDepth = 64;

    private readonly DiagnosticBag _bag;
    private readonly int _origin;
    private readonly string _basePath;
    private readonly Dictionary<string, YNode> _anchors = new(StringComparer.Ordinal);
    private readonly Stack<Frame> _stack = new();
    private Mark _lastEnd = Mark.Empty;

    private YamlReader(DiagnosticBag bag, int origin, string basePath)
    {
        _bag = bag;
        _origin = origin;
        _basePath = basePath;
    }

    /// <summary>The root node, or null after reporting why there is none usable.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="bag">Where problems go.</param>
    /// <param name="origin">0 for the study file; k for the value of the k-th <c>--set</c> override (<see cref="SourceMark.Origin"/>).</param>
    /// <param name="basePath">The field path of the text's root: the override's key path.</param>
    public static YNode? Read(string text, DiagnosticBag bag, int origin = 0, string basePath = "") => new YamlReader(bag, origin, basePath).ReadDocument(text);

    private sealed class Frame(YNode node, string path, string? anchor, bool flow)
    {
        public bool Flow { get; } = flow;

        public YNode Node { get; } = node;

        public string Path { get; } = path;

        public string? Anchor { get; } = anchor;

        /// <summary>The key read in a mapping whose value comes next; Skip marks a key we reported and ignore.</summary>
        public YScalar? PendingKey { get; set; }

        public bool SkipValue { get; set; }

        public List<(SourceMark Mark, YNode Value)> Merges { get; } = [];

        public string ChildPath() => Node switch
        {
            YSequence s => $"{Path}[{s.Items.Count}]",
            _ when PendingKey is { } k => Path.Length == 0 ? k.Value : $"{Path}.{k.Value}",
            _ => Path,
        };
    }

    private YNode? ReadDocument(string text)
    {
        var parser = new Parser(new StringReader(text));
        YNode? root = null;
        var documents = 0;
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                _lastEnd = e.End;
                switch (e)
                {
                    case DocumentStart:
                        if (++documents > 1)
                        {
                            _bag.Error(ToMark(e.Start), "",
                                "a study file holds one YAML document, but a second one starts here ('---'); remove it or split the file");
                            return root;
                        }
                        break;
                    case Scalar s:
                        var scalar = MakeScalar(s);
                        if (scalar is not null)
                            Register(s.Anchor, scalar);
                        if (Add(scalar) is { } r1)
                            root = r1;
                        break;
                    case AnchorAlias a:
                        if (!_anchors.TryGetValue(a.Value.Value, out var target))
                        {
                            _bag.Error(ToMark(a.Start), CurrentPath(),
                                $"the alias *{a.Value.Value} names no anchor defined before it; define '&{a.Value.Value}' on an earlier node");
                        }
                        if (Add(target) is { } r2)
                            root = r2;
                        break;
                    case SequenceStart ss:
                        if (!Open(new YSequence(ToMark(ss.Start)), ss.Tag, ss.Anchor, ss.Style == SequenceStyle.Flow, "!!seq", "tag:yaml.org,2002:seq"))
                            return null;
                        break;
                    case MappingStart ms:
                        if (!Open(new YMapping(ToMark(ms.Start)), ms.Tag, ms.Anchor, ms.Style == MappingStyle.Flow, "!!map", "tag:yaml.org,2002:map"))
                            return null;
                        break;
                    case SequenceEnd or MappingEnd:
                        var frame = _stack.Pop();
                        if (frame.Node is YMapping m)
                            ApplyMerges(m, frame);
                        if (frame.Anchor is not null)
                            _anchors[frame.Anchor] = frame.Node;
                        if (Add(frame.Node) is { } r3)
                            root = r3;
                        break;
                    default:
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            var at = ToMark(ex.Start);
            var message = SyntaxMessage(ex.Message);
            // YamlDotNet places tab errors at the enclosing mapping (often 1:1); the tab itself is more useful.
            if (ex.Message.Contains("tab", StringComparison.Ordinal) && FirstIndentationTab(text) is { } tab)
                at = tab;
            if (ex.Message.Contains("flow", StringComparison.Ordinal))
                message += UnclosedFlowHint();
            _bag.Error(at, CurrentPath(), message);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16.3 throws this (not a YamlException) on some malformed input, e.g. an
            // unclosed flow list followed by more lines: report it as the syntax error it is.
            _bag.Error(ToMark(_lastEnd), CurrentPath(), "YAML syntax error after this point" + UnclosedFlowHint());
            return null;
        }
        // An override's empty value (--set key=) is YAML's null, as 'key:' in the file is.
        if (_origin > 0)
            return root ?? new YScalar(new SourceMark(1, 1, _origin), "", plain: true, singleLine: false, ScalarTag.None);
        if (documents == 0 || root is null || root is YScalar { Resolved.Kind: ScalarKind.Null })
        {
            _bag.Error(new SourceMark(1, 1, _origin), "",
                "the file is empty; a study needs at least name, objective, search_space, budget and trainer (see docs/study-file.md)");
            return null;
        }
        return root;
    }

    private SourceMark? FirstIndentationTab(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
                return new SourceMark(i + 1, tab + 1, _origin);
        }
        return null;
    }

    private SourceMark ToMark(Mark m) => new((int)Math.Min(m.Line, int.MaxValue), (int)Math.Min(m.Column, int.MaxValue), _origin);

    private string CurrentPath() => _stack.Count == 0 ? _basePath : _stack.Peek().ChildPath();

    private void Register(AnchorName anchor, YNode node)
    {
        if (!anchor.IsEmpty)
            _anchors[anchor.Value] = node;
    }

    private bool Open(YNode node, TagName tag, AnchorName anchor, bool flow, string shortTag, string longTag)
    {
        if (!tag.IsEmpty && !tag.IsNonSpecific && tag.Value != longTag)
        {
            _bag.Error(node.Mark, CurrentPath(),
                $"the tag '{tag.Value}' is not supported here; remove it (a {node.Describe()} may carry only {shortTag})");
        }
        if (_stack.Count >= MaxDepth)
        {
            _bag.Error(node.Mark, CurrentPath(), $"the file nests deeper than {MaxDepth} levels; a study file needs only a few");
            return false;
        }
        _stack.Push(new Frame(node, CurrentPath(), anchor.IsEmpty ? null : anchor.Value, flow));
        return true;
    }

    private YScalar? MakeScalar(Scalar s)
    {
        var mark = ToMark(s.Start);
        var tag = ScalarTag.None;
        if (!s.Tag.IsEmpty)
        {
            tag = s.Tag.IsNonSpecific ? ScalarTag.String : s.Tag.Value switch
            {
                "tag:yaml.org,2002:str" => ScalarTag.String,
                "tag:yaml.org,2002:int" => ScalarTag.Int,
                "tag:yaml.org,2002:float" => ScalarTag.Float,
                "tag:yaml.org,2002:bool" => ScalarTag.Bool,
                "tag:yaml.org,2002:null" => ScalarTag.Null,
                _ => ScalarTag.None,
            };
            if (tag == ScalarTag.None)
            {
                _bag.Error(mark, CurrentPath(),
                    $"the tag '{s.Tag.Value}' is not supported; remove it (only !!str, !!int, !!float, !!bool and !!null are understood)");
            }
        }
        var control = s.Value.FirstOrDefault(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'));
        if (control != '\0')
        {
            _bag.Error(mark, CurrentPath(), string.Create(CultureInfo.InvariantCulture,
                $"the value contains the control character U+{(int)control:X4}; remove it"));
        }
        var plain = s.Style is ScalarStyle.Plain or ScalarStyle.Any;
        // Columns inside the value map onto the file for plain and quoted one-line scalars without escapes.
        var singleLine = s.Start.Line == s.End.Line
                         && (plain || (s.Style == ScalarStyle.SingleQuoted && !s.Value.Contains('\'', StringComparison.Ordinal))
                                   || (s.Style == ScalarStyle.DoubleQuoted && s.End.Column - s.Start.Column == s.Value.Length + 2));
        return new YScalar(mark, s.Value, plain, singleLine, tag);
    }

    /// <summary>Attaches a completed node to its parent; returns it when it is the document's root.</summary>
    private YNode? Add(YNode? node)
    {
        if (_stack.Count == 0)
            return node;
        var frame = _stack.Peek();
        switch (frame.Node)
        {
            case YSequence seq:
                if (node is not null)
                    seq.Items.Add(node);
                break;
            case YMapping map when frame.PendingKey is null && !frame.SkipValue:
                if (node is YScalar key && key.Value.Length > 0)
                {
                    frame.PendingKey = key;
                }
                else
                {
                    _bag.Error(node?.Mark ?? ToMark(_lastEnd), frame.Path.Length == 0 ? "" : frame.Path,
                        node is YScalar ? "a key is empty; every key needs a name" : $"a key must be a plain name, not {node?.Describe() ?? "an alias"}");
                    frame.SkipValue = true;
                }
                break;
            case YMapping map when frame.SkipValue:
                frame.SkipValue = false;
                break;
            case YMapping map:
                var k = frame.PendingKey!;
                frame.PendingKey = null;
                if (node is null)
                    break;
                if (k.Value == "<<" && k.IsPlain)
                {
                    frame.Merges.Add((k.Mark, node));
                    // A placeholder keeps the merged entries where '<<' stood (declaration order matters in search_space).
                    map.Entries.Add(new YEntry(k, node));
                    break;
                }
                if (map.Entry(k.Value) is { } first)
                {
                    _bag.Error(k.Mark, frame.Path.Length == 0 ? k.Value : $"{frame.Path}.{k.Value}",
                        $"duplicate key '{k.Value}' (first defined at line {first.Key.Mark.Line}); keep only one");
                    break;
                }
                map.Entries.Add(new YEntry(k, node));
                break;
            default:
                break;
        }
        return null;
    }

    /// <summary>YAML merge keys: entries of the merged mappings that the mapping does not define itself.</summary>
    private void ApplyMerges(YMapping map, Frame frame)
    {
        if (frame.Merges.Count == 0)
            return;
        var explicitKeys = map.Entries.Where(e => !(e.Key.Value == "<<" && e.Key.IsPlain)).Select(e => e.Key.Value).ToHashSet(StringComparer.Ordinal);
        var result = new List<YEntry>();
        foreach (var entry in map.Entries)
        {
            if (!(entry.Key.Value == "<<" && entry.Key.IsPlain))
            {
                result.Add(entry);
                continue;
            }
            var sources = entry.Value switch
            {
                YMapping one => [one],
                YSequence seq when seq.Items.All(i => i is YMapping) => seq.Items.Cast<YMapping>().ToList(),
                _ => null,
            };
            if (sources is null)
            {
                _bag.Error(entry.Key.Mark, frame.Path.Length == 0 ? "<<" : $"{frame.Path}.<<",
                    $"a merge key '<<' takes a mapping or a list of mappings (e.g. '<<: *defaults'), not {entry.Value.Describe()}");
                continue;
            }
            foreach (var merged in sources.SelectMany(s => s.Entries))
            {
                if (explicitKeys.Add(merged.Key.Value))
                    result.Add(merged);
            }
        }
        map.Entries.Clear();
        map.Entries.AddRange(result);
    }

    private string UnclosedFlowHint()
    {
        // The stack enumerates innermost first.
        var unclosed = _stack.FirstOrDefault(f => f.Flow);
        return unclosed is null
            ? ""
            : $"; the '{(unclosed.Node is YSequence ? '[' : '{')}' at line {unclosed.Node.Mark.Line}, column {unclosed.Node.Mark.Column} is not closed";
    }

    /// <summary>YamlDotNet's message, with what usually causes it.</summary>
    private static string SyntaxMessage(string message)
    {
        var hint = message switch
        {
            _ when message.Contains("found invalid mapping", StringComparison.Ordinal) =>
                "a value cannot contain ': ' unquoted, and a key cannot be indented under a plain value; quote the value or fix the indentation",
            _ when message.Contains("did not find expected key", StringComparison.Ordinal) =>
                "check the indentation: the keys of one mapping start in the same column, and a list item ('- ') cannot follow them at that level",
            _ when message.Contains("did not find expected '-' indicator", StringComparison.Ordinal) =>
                "a list cannot be followed by a key at the same indentation; indent the list or the key",
            _ when message.Contains("flow sequence", StringComparison.Ordinal) => "a '[' list is not closed with ']' or lacks a ','",
            _ when message.Contains("flow mapping", StringComparison.Ordinal) => "a '{' mapping is not closed with '}' or lacks a ','",
            _ when message.Contains("quoted scalar", StringComparison.Ordinal) => "a quoted value is not closed, or contains an invalid escape",
            _ when message.Contains("tab", StringComparison.Ordinal) => "indent with spaces; YAML does not allow tabs in indentation",
            _ when message.Contains("cannot start any token", StringComparison.Ordinal) =>
                "characters such as '@', '`' and tabs cannot start a value or indentation; quote the value and indent with spaces",
            _ when message.Contains("anchor or alias", StringComparison.Ordinal) => "'&' and '*' start anchors and aliases; quote the value if it is text",
            _ when message.Contains("did not find expected node content", StringComparison.Ordinal) =>
                "a value is missing or starts with a reserved character (']', '}', ',', '|', '>')",
            _ => null,
        };
        var text = "YAML syntax error: " + message.TrimEnd('.');
        return hint is null ? text : $"{text} ({hint})";
    }
}
