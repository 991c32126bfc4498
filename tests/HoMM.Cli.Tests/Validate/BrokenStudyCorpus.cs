namespace HoMM.Cli.Tests.Validate;

/// <summary>
/// Generates broken study files: every field given values of the wrong type, out of range, not
/// finite, too large, in look-alike Unicode; YAML syntax errors; duplicate and unknown keys;
/// missing sections; bad ranges, conditions, constraints and placeholders. Each case is broken by
/// construction (the tests check that every one is reported).
/// </summary>
internal static class BrokenStudyCorpus
{
    public const string Valid = """
        name: corpus
        description: base study for the broken-file corpus
        objective:
          metric: val/acc
          direction: maximize
        search_space:
          lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
          order: {type: int, low: 1, high: 4}
          order_expand: {type: int, low: 1, high: 8, step: 1}
          pooling: {type: categorical, choices: [cls, mean]}
          dropout: {type: float, low: 0.0, high: 0.3, when: {pooling: mean}}
        constraints:
          - order * order_expand <= 16
          - max_params: 26M
        sampler:
          kind: tpe
          seed: 1
          n_startup_trials: 5
          multivariate: true
        pruner:
          kind: asha
          min_resource: 50
          reduction_factor: 3
        budget:
          max_trials: 10
          max_parallel: 2
          timeout: 1h
        trainer:
          model: {dim: 32, layers: 2, patch: 4, order: 2, order_expand: 2}
          optim: {lr: 1.0e-3, wd: 0.01, steps: 200, batch: 32}
          data: {dataset: fashion-mnist}
          eval_every: 50
          device: cpu
        resources:
          cpu_slots: 2
        """;

    public const string ValidCommand = """
        name: corpus-command
        objective: {metric: val/loss, direction: minimize}
        search_space:
          lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
          width: {type: int, low: 8, high: 64}
        budget: {max_trials: 5}
        trainer:
          command: [python3, train.py, --lr, "{lr}", --width, "{width}"]
          env: {SEED: "1"}
        """;

    /// <summary>Values that are wrong for every numeric field.</summary>
    private static readonly string[] NotANumber =
    [
        "abc", "'12'", "[1]", "{a: 1}", ".nan", ".inf", "-.inf", "1e999", "99999999999999999999999", "~", "true", "１２", "\"1\\u200b\"",
    ];

    /// <summary>Values that are wrong for every word-valued field (kinds, types, directions...).</summary>
    private static readonly string[] NotAWord = ["42", "[x]", "{a: b}", "''", "~", "tpе_ｘ", "\"\\u200bx\""];

    private static readonly (string Line, string Field)[] NumericFields =
    [
        ("  lr:", "low"), ("  lr:", "high"), ("  order:", "low"), ("  order:", "high"), ("  order_expand:", "step"),
        ("  dropout:", "high"),
    ];

    private static readonly string[] NumericLines =
    [
        "  seed:", "  n_startup_trials:", "  min_resource:", "  reduction_factor:", "  max_trials:", "  max_parallel:",
        "  cpu_slots:", "  eval_every:",
    ];

    private static readonly string[] WordLines = ["  direction:", "  kind: tpe", "  kind: asha", "  metric:"];

    public static IEnumerable<(string Name, string Yaml)> Cases()
    {
        // 1. Every numeric field × every non-number.
        foreach (var (line, field) in NumericFields)
        {
            foreach (var bad in NotANumber)
                yield return ($"{line.Trim()}{field}={bad}", ReplaceInFlow(Valid, line, field, bad));
        }
        foreach (var line in NumericLines)
        {
            var zeroIsValid = line is "  seed:" or "  n_startup_trials:";
            foreach (var bad in NotANumber.Append("-5").Concat(zeroIsValid ? [] : ["0"]))
                yield return ($"{line.Trim()}{bad}", ReplaceValue(Valid, line, bad));
        }
        foreach (var (field, bad) in new[] { ("dim", "0"), ("layers", "-1"), ("patch", "2.5"), ("order", "99"), ("order_expand", "abc") })
            yield return ($"model.{field}={bad}", ReplaceInFlow(Valid, "  model:", field, bad));
        foreach (var (field, bad) in new[] { ("lr", "0"), ("wd", "-0.1"), ("steps", "0"), ("batch", "1e999"), ("lr", ".nan") })
            yield return ($"optim.{field}={bad}", ReplaceInFlow(Valid, "  optim:", field, bad));

        // 2. Every word-valued field × every non-word.
        foreach (var line in WordLines)
        {
            foreach (var bad in NotAWord)
                yield return ($"{line.Trim()}{bad}", ReplaceValue(Valid, line, bad));
        }
        foreach (var bad in new[] { "flot", "integer", "42", "[float]", "" })
            yield return ($"type={bad}", ReplaceInFlow(Valid, "  lr:", "type", bad.Length == 0 ? "''" : bad));
        foreach (var bad in new[] { "mnist", "imagenet", "42", "''" })
            yield return ($"dataset={bad}", ReplaceInFlow(Valid, "  data:", "dataset", bad));
        foreach (var bad in new[] { "gpu", "CUDA", "1" })
            yield return ($"device={bad}", ReplaceValue(Valid, "  device:", bad));
        foreach (var bad in new[] { "maximise", "max", "up", "Maximize" })
            yield return ($"direction={bad}", ReplaceValue(Valid, "  direction:", bad));
        foreach (var bad in new[] { "yes", "1", "'true'", "[true]" })
            yield return ($"multivariate={bad}", ReplaceValue(Valid, "  multivariate:", bad));
        foreach (var bad in new[] { "10", "10x", "-1h", "0s", "999d", "h", "1h30", "[1h]" })
            yield return ($"timeout={bad}", ReplaceValue(Valid, "  timeout:", bad));
        foreach (var bad in new[] { "0", "-1M", "26m", "lots", ".inf", "1e30", "[1]", "26MB" })
            yield return ($"max_params={bad}", Valid.Replace("max_params: 26M", "max_params: " + bad, StringComparison.Ordinal));
        foreach (var bad in new[] { "'my study'", "''", "[a]", "42", "ünïcödé", "a/b", "\"x\\u0000y\"", new string('n', 101) })
            yield return ($"name={bad}", ReplaceValue(Valid, "name:", bad));

        // 3. Unknown keys (misspellings, look-alikes) at every level.
        foreach (var (after, key) in new[]
        {
            ("name:", "nmae: x"), ("name:", "search_spaces: {}"), ("name:", "ｎａｍｅ2: x"), ("name:", "sampler2: {}"),
            ("  metric:", "  goal: 0.9"), ("  kind: tpe", "  n_startup: 3"), ("  kind: tpe", "  gamma: 0.1"),
            ("  kind: asha", "  patience: 3"), ("  max_trials:", "  max_trial: 3"), ("  cpu_slots:", "  gpu: [0]"),
            ("  eval_every:", "  evaluate_every: 10"), ("  eval_every:", "  lr: 0.1"), ("  kind: tpe", "  see\u200bd: 3"),
        })
        {
            yield return ($"unknown {key}", InsertAfter(Valid, after, key));
        }
        foreach (var (line, field) in new[] { ("  lr:", "hgih: 1"), ("  order:", "choices: [1]"), ("  pooling:", "low: 1"), ("  model:", "ordre: 2"), ("  optim:", "learning_rate: 1"), ("  data:", "root: /x") })
            yield return ($"unknown {line.Trim()}{field}", AddToFlow(Valid, line, field));

        // 4. Duplicate keys.
        foreach (var (after, key) in new[]
        {
            ("name:", "name: again"), ("  metric:", "  metric: val/loss"), ("  order:", "  order: {type: int, low: 1, high: 2}"),
            ("  seed:", "  seed: 2"), ("  max_trials:", "  max_trials: 3"), ("  cpu_slots:", "  cpu_slots: 1"),
        })
        {
            yield return ($"duplicate {key}", InsertAfter(Valid, after, key));
        }
        yield return ("duplicate section", Valid + "\nbudget: {max_trials: 3}\n");
        yield return ("duplicate in flow", ReplaceInFlow(Valid, "  lr:", "low", "1.0e-4, low: 1.0e-3"));

        // 5. Missing sections and keys.
        foreach (var section in new[] { "name", "objective", "search_space", "budget", "trainer" })
            yield return ($"missing {section}", RemoveSection(Valid, section));
        foreach (var line in new[] { "  metric:", "  direction:", "  kind: tpe", "  kind: asha" })
            yield return ($"missing {line.Trim()}", RemoveLine(Valid, line));
        yield return ("missing max_trials and timeout", RemoveLine(RemoveLine(Valid, "  max_trials:"), "  timeout:"));
        yield return ("missing lr.low", RemoveFromFlow(Valid, "  lr:", "low"));
        yield return ("missing order.high", RemoveFromFlow(Valid, "  order:", "high"));
        yield return ("missing choices", RemoveFromFlow(Valid, "  pooling:", "choices"));
        yield return ("missing model.dim", RemoveFromFlow(Valid, "  model:", "dim"));
        yield return ("missing optim.steps", RemoveFromFlow(Valid, "  optim:", "steps"));

        // 6. Bad ranges and combinations.
        foreach (var (line, text) in new[]
        {
            ("  lr:", "  lr: {type: float, low: 1.0e-2, high: 1.0e-4}"),
            ("  lr:", "  lr: {type: float, low: 0, high: 1.0e-2, log: true}"),
            ("  lr:", "  lr: {type: float, low: -1, high: 1.0e-2, log: true}"),
            ("  lr:", "  lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true, step: 1.0e-4}"),
            ("  lr:", "  lr: {type: float, low: 1.0e-4, high: 1.0e-2, step: 0}"),
            ("  order:", "  order: {type: int, low: 4, high: 1}"),
            ("  order:", "  order: {type: int, low: 0, high: 4, log: true}"),
            ("  order:", "  order: {type: int, low: 1.5, high: 4}"),
            ("  order:", "  order: {type: float, low: 1, high: 4}"),
            ("  order:", "  order: {type: int, low: 1, high: 100}"),
            ("  order:", "  order: {type: int, low: -9007199254740993, high: 4}"),
            ("  pooling:", "  pooling: {type: categorical, choices: []}"),
            ("  pooling:", "  pooling: {type: categorical, choices: [cls, cls]}"),
            ("  pooling:", "  pooling: {type: categorical, choices: [cls, max]}"),
            ("  pooling:", "  pooling: {type: categorical, choices: [cls, [mean]]}"),
            ("  pooling:", "  pooling: {type: categorical, choices: cls}"),
            ("  dropout:", "  dropout: {type: float, low: 0.0, high: 1.5, when: {pooling: mean}}"),
            ("  max_parallel:", "  max_parallel: 20001"),
            ("  cpu_slots:", "  cpu_slots: 2\n  gpus: [0]"),
            ("  device:", "  device: cuda"),
            ("  optim:", "  optim: {lr: 1.0e-3, steps: 100, batch: 32, warmup: 100}"),
            ("  data:", "  data: {dataset: imagefolder}"),
            ("  data:", "  data: {dataset: fashion-mnist, image_size: 32}"),
            ("  kind: asha", "  kind: percentile"),
            ("  kind: tpe", "  kind: grid"),
            ("  multivariate:", "  multivariate: false\n  group: true"),
            ("  reduction_factor:", "  reduction_factor: 1"),
        })
        {
            yield return ($"range {text.Trim()}", ReplaceLine(Valid, line, text));
        }

        // 7. Conditions.
        foreach (var when in new[] { "{polling: mean}", "{pooling: max}", "{order_expand: 2.5}", "{dropout: 0.1}", "{pooling: mean, order: 2}", "{}", "mean", "{pooling: []}", "{later: 1}" })
        {
            var yaml = ReplaceInFlow(Valid, "  dropout:", "when", when);
            if (when == "{later: 1}")
                yaml = yaml.Replace("constraints:", "  later: {type: int, low: 1, high: 2}\nconstraints:", StringComparison.Ordinal);
            yield return ($"when {when}", yaml);
        }

        // 8. Constraints.
        foreach (var expr in new[]
        {
            "order * order_expnd <= 16", "order * <= 16", "(order + 1", "order = 2", "order && order_expand", "order * order_expand",
            "pooling * 2 > 1", "pooling == 2", "sqr(order) > 1", "min(order) > 1", "order ^ 2 < 9", "2order < 3", "ordér < 3", "'unterminated",
            "order < 1e999", "not order", "order > 1 ||  order_expand > 1",
        })
        {
            yield return ($"constraint {expr}", Valid.Replace("  - order * order_expand <= 16", $"  - \"{expr.Replace("\"", "\\\"", StringComparison.Ordinal)}\"", StringComparison.Ordinal));
        }
        foreach (var item in new[] { "42", "true", "[order]", "{max_param: 1M}", "{max_params: 1M, max_flops: -1}", "~" })
            yield return ($"constraint item {item}", Valid.Replace("  - order * order_expand <= 16", "  - " + item, StringComparison.Ordinal));
        yield return ("constraints not a list", Valid.Replace("constraints:\n  - order * order_expand <= 16\n  - max_params: 26M", "constraints: order < 2", StringComparison.Ordinal));

        // 9. Command trainers.
        foreach (var arg in new[] { "\"{lrr}\"", "{lr}", "\"{lr\"", "\"lr}\"", "\"{lr:.2f}\"", "\"{ lr }\"", "[a]", "~", "\"{1x}\"" })
            yield return ($"command arg {arg}", ValidCommand.Replace("--lr, \"{lr}\"", "--lr, " + arg, StringComparison.Ordinal));
        foreach (var (from, to) in new[]
        {
            ("command: [python3, train.py, --lr, \"{lr}\", --width, \"{width}\"]", "command: \"python3 train.py --lr {lr}\""),
            ("command: [python3, train.py, --lr, \"{lr}\", --width, \"{width}\"]", "command: []"),
            ("command: [python3, train.py, --lr, \"{lr}\", --width, \"{width}\"]", "command: {python3: train.py}"),
            ("env: {SEED: \"1\"}", "env: {1SEED: \"1\"}"),
            ("env: {SEED: \"1\"}", "env: [SEED]"),
            ("env: {SEED: \"1\"}", "env: {SEED: \"{seed}\"}"),
            ("env: {SEED: \"1\"}", "model: {dim: 3}"),
            ("  width:", "  study:"),
        })
        {
            yield return ($"command {to}", ValidCommand.Replace(from, to, StringComparison.Ordinal));
        }
        yield return ("command with max_params", ValidCommand.Replace("budget:", "constraints: [{max_params: 1M}]\nbudget:", StringComparison.Ordinal));

        // 10. YAML syntax and document-level problems.
        foreach (var (name, yaml) in new[]
        {
            ("empty", ""), ("blank lines", "\n\n\n"), ("comment only", "# nothing\n"), ("null document", "~\n"), ("separator only", "---\n"),
            ("list root", "- name: x\n- objective: y\n"), ("scalar root", "just some text\n"), ("number root", "42\n"),
            ("two documents", Valid + "\n---\nname: second\n"),
            ("unclosed flow list", Valid.Replace("choices: [cls, mean]", "choices: [cls, mean", StringComparison.Ordinal)),
            ("unclosed flow map", Valid.Replace("{dataset: fashion-mnist}", "{dataset: fashion-mnist", StringComparison.Ordinal)),
            ("unclosed quote", Valid.Replace("name: corpus", "name: 'corpus", StringComparison.Ordinal)),
            ("unclosed double quote", Valid.Replace("name: corpus", "name: \"corpus", StringComparison.Ordinal)),
            ("bad escape", Valid.Replace("name: corpus", "name: \"\\xZZ\"", StringComparison.Ordinal)),
            ("tab indentation", Valid.Replace("  metric: val/acc", "\tmetric: val/acc", StringComparison.Ordinal)),
            ("bad indentation", Valid.Replace("  direction: maximize", "   direction: maximize", StringComparison.Ordinal)),
            ("dedented key", Valid.Replace("  direction: maximize", " direction: maximize", StringComparison.Ordinal)),
            ("colon in value", Valid.Replace("name: corpus", "name: a: b", StringComparison.Ordinal)),
            ("reserved char", Valid.Replace("name: corpus", "name: @corpus", StringComparison.Ordinal)),
            ("backtick", Valid.Replace("name: corpus", "name: `corpus`", StringComparison.Ordinal)),
            ("list after map", Valid + "\n- stray\n"),
            ("stray bracket", Valid.Replace("name: corpus", "name: corpus]", StringComparison.Ordinal) + "\n]\n"),
            ("unknown alias", Valid.Replace("  kind: tpe", "  kind: *nothing", StringComparison.Ordinal)),
            ("bare alias", Valid.Replace("name: corpus", "name: *", StringComparison.Ordinal)),
            ("custom tag", Valid.Replace("name: corpus", "name: !python/object x", StringComparison.Ordinal)),
            ("bad int tag", Valid.Replace("  max_trials: 10", "  max_trials: !!int ten", StringComparison.Ordinal)),
            ("complex key", Valid.Replace("name: corpus", "? [a, b]\n: c\nname: corpus", StringComparison.Ordinal)),
            ("empty key", Valid.Replace("name: corpus", "\"\": x\nname: corpus", StringComparison.Ordinal)),
            ("bad merge", Valid.Replace("  lr: {type: float", "  lr: {<<: 3, type: float", StringComparison.Ordinal)),
            ("deep nesting", "name: " + new string('[', 200) + new string(']', 200) + "\n"),
            ("control character", Valid.Replace("name: corpus", "name: \"cor\\u0007pus\"", StringComparison.Ordinal)),
            ("bom in middle", Valid.Replace("budget:", "\uFEFFbudget:", StringComparison.Ordinal)),
            ("nbsp key", Valid.Replace("budget:", "budget\u00a0:", StringComparison.Ordinal)),
            ("fullwidth colon", Valid.Replace("name: corpus", "name： corpus", StringComparison.Ordinal)),
            ("cyrillic key", Valid.Replace("budget:", "bυdget:", StringComparison.Ordinal)),
            ("right-to-left mark", Valid.Replace("  kind: tpe", "  kind: tpe\u200f", StringComparison.Ordinal)),
            ("emoji name", Valid.Replace("name: corpus", "name: 🚀", StringComparison.Ordinal)),
            ("json with comments", "{\"name\": \"x\", // no\n}"),
        })
        {
            yield return ($"yaml {name}", yaml);
        }
    }

    /// <summary>Raw bytes that are not a readable UTF-8 study file.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> ByteCases()
    {
        var valid = System.Text.Encoding.UTF8.GetBytes(Valid);
        yield return ("latin-1 byte", [.. valid[..20], 0xE9, .. valid[20..]]);
        yield return ("truncated utf-8", [.. valid[..40], 0xE2, 0x82]);
        yield return ("utf-16 le", [.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes(Valid)]);
        yield return ("utf-16 be", [.. System.Text.Encoding.BigEndianUnicode.GetPreamble(), .. System.Text.Encoding.BigEndianUnicode.GetBytes(Valid)]);
        yield return ("nul bytes", [.. valid[..30], 0, 0, 0, .. valid[30..]]);
        yield return ("binary", Enumerable.Range(0, 512).Select(i => (byte)((i * 37) % 256)).ToArray());
        yield return ("overlong encoding", [.. valid[..10], 0xC0, 0xAF, .. valid[10..]]);
    }

    private static string ReplaceLine(string yaml, string lineStart, string replacement)
    {
        var lines = yaml.Split('\n').ToList();
        var i = lines.FindIndex(l => l.StartsWith(lineStart, StringComparison.Ordinal));
        if (i < 0)
            throw new InvalidOperationException($"no line starts with '{lineStart}'");
        lines[i] = replacement;
        return string.Join('\n', lines);
    }

    private static string ReplaceValue(string yaml, string lineStart, string value)
    {
        var line = yaml.Split('\n').First(l => l.StartsWith(lineStart, StringComparison.Ordinal));
        return ReplaceLine(yaml, lineStart, line[..(line.IndexOf(':', StringComparison.Ordinal) + 1)] + " " + value);
    }

    /// <summary>Replaces <c>field: value</c> inside the flow mapping on the line starting with <paramref name="lineStart"/>.</summary>
    private static string ReplaceInFlow(string yaml, string lineStart, string field, string value)
    {
        var line = yaml.Split('\n').First(l => l.StartsWith(lineStart, StringComparison.Ordinal));
        var start = line.IndexOf(field + ": ", line.IndexOf('{', StringComparison.Ordinal), StringComparison.Ordinal) + field.Length + 2;
        var end = start;
        var depth = 0;
        while (end < line.Length && !(depth == 0 && (line[end] == ',' || line[end] == '}')))
        {
            depth += line[end] switch { '[' or '{' => 1, ']' or '}' => -1, _ => 0 };
            end++;
        }
        return ReplaceLine(yaml, lineStart, line[..start] + value + line[end..]);
    }

    private static string AddToFlow(string yaml, string lineStart, string entry)
    {
        var line = yaml.Split('\n').First(l => l.StartsWith(lineStart, StringComparison.Ordinal));
        var close = line.LastIndexOf('}');
        return ReplaceLine(yaml, lineStart, line[..close] + ", " + entry + line[close..]);
    }

    private static string RemoveFromFlow(string yaml, string lineStart, string field)
    {
        var withMarker = ReplaceInFlow(yaml, lineStart, field, "\u0001");
        var edited = withMarker.Split('\n').First(l => l.StartsWith(lineStart, StringComparison.Ordinal));
        edited = edited.Replace($"{field}: \u0001, ", "", StringComparison.Ordinal).Replace($", {field}: \u0001", "", StringComparison.Ordinal);
        return ReplaceLine(yaml, lineStart, edited);
    }

    private static string InsertAfter(string yaml, string lineStart, string newLine)
    {
        var lines = yaml.Split('\n').ToList();
        var i = lines.FindIndex(l => l.StartsWith(lineStart, StringComparison.Ordinal));
        lines.Insert(i + 1, newLine);
        return string.Join('\n', lines);
    }

    private static string RemoveLine(string yaml, string lineStart) =>
        string.Join('\n', yaml.Split('\n').Where(l => !l.StartsWith(lineStart, StringComparison.Ordinal)));

    private static string RemoveSection(string yaml, string section)
    {
        var lines = yaml.Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith(section + ":", StringComparison.Ordinal));
        var end = start + 1;
        while (end < lines.Count && lines[end].StartsWith(' '))
            end++;
        lines.RemoveRange(start, end - start);
        return string.Join('\n', lines);
    }
}
