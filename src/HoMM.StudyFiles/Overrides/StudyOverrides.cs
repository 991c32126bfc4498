using HoMM.StudyFiles.Diagnostics;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Overrides;

/// <summary>
/// <c>--set key.path=value</c> (run, validate): each override replaces or adds one value of the
/// study file's YAML tree before the tree is bound, so the file's own validation judges the result
/// and the study's identity counts it as if it were written in the file. Any key path of the file
/// may be set; a value is YAML (a scalar by the file's rules, or a flow list or mapping) and
/// replaces the whole value at its key. Problems name the override instead of a line.
/// </summary>
internal static class StudyOverrides
{
    /// <summary>Applies <paramref name="overrides"/> (without the <c>--set</c>) to <paramref name="root"/> in order; later ones win.</summary>
    public static void Apply(YNode root, IReadOnlyList<string> overrides, DiagnosticBag bag)
    {
        foreach (var text in overrides)
        {
            var origin = bag.AddOrigin($"--set {text}");
            var at = new SourceMark(1, 1, origin);
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                bag.Error(at, "", $"expected KEY.PATH=VALUE, e.g. --set trainer.optim.steps=50, but '{text}' has no '='");
                continue;
            }
            var keyPath = text[..equals];
            var keys = keyPath.Split('.');
            if (keys.Any(k => k.Length == 0))
            {
                bag.Error(at, "", $"the key path '{keyPath}' has an empty key; write keys separated by single dots, e.g. --set trainer.optim.steps=50");
                continue;
            }
            if (YamlReader.Read(text[(equals + 1)..], bag, origin, keyPath) is not { } value)
                continue; // a YAML syntax error in the value, reported
            // A file that is not a mapping is reported by the binder; nothing to set in it.
            if (root is YMapping map)
                Set(map, keys, value, at, bag);
        }
    }

    private static void Set(YMapping root, string[] keys, YNode value, SourceMark at, DiagnosticBag bag)
    {
        var map = root;
        for (var depth = 0; depth < keys.Length - 1; depth++)
        {
            var index = map.Entries.FindIndex(e => e.Key.Value == keys[depth]);
            if (index < 0)
            {
                var created = new YMapping(at);
                map.Entries.Add(new YEntry(Key(keys[depth], at), created));
                map = created;
                continue;
            }
            var entry = map.Entries[index];
            if (entry.Value is not YMapping existing)
            {
                var path = string.Join('.', keys[..(depth + 1)]);
                bag.Error(at, string.Join('.', keys), $"{path} is {entry.Value.Describe()}, not a mapping, so it has no key " +
                    $"'{keys[depth + 1]}'; --set replaces whole values: set {path}=... itself");
                return;
            }
            // Copy on write: an aliased mapping (*anchor) is shared with other places of the file, which keep their value.
            var copy = new YMapping(existing.Mark);
            copy.Entries.AddRange(existing.Entries);
            map.Entries[index] = entry with { Value = copy };
            map = copy;
        }
        var last = keys[^1];
        var found = map.Entries.FindIndex(e => e.Key.Value == last);
        var replacement = new YEntry(Key(last, at), value);
        if (found < 0)
            map.Entries.Add(replacement);
        else
            map.Entries[found] = replacement; // in place: the order of search_space entries matters
    }

    /// <summary>A key written by the override, so a problem with it (an unknown key) names the override.</summary>
    private static YScalar Key(string name, SourceMark at) => new(at, name, plain: true, singleLine: false, ScalarTag.None);
}
