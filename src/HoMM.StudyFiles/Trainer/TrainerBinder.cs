using System.Globalization;
using System.Text.RegularExpressions;
using HoMM.Core.Constraints;
using HoMM.Core.SearchSpace;
using HoMM.StudyFiles.Binding;
using HoMM.StudyFiles.SearchSpace;
using HoMM.StudyFiles.Yaml;
using HoMM.TrainerSettings;

namespace HoMM.StudyFiles.Trainer;

/// <summary>
/// <c>trainer</c>: the built-in HoMM trainer (<c>model</c>, <c>optim</c>, <c>data</c>, <c>eval_every</c>,
/// <c>seed</c>, <c>threads</c>, <c>device</c>), whose settings search-space parameters override by
/// name, or a user command (<c>command</c>, <c>env</c>, <c>working_dir</c>) with <c>{param}</c> placeholders.
/// Either kind takes <c>log_max</c>, the cap of each trial's <c>trainer.log</c>.
/// </summary>
internal static partial class TrainerBinder
{
    /// <summary>The dispatcher's keys, for either kind of trainer.</summary>
    private const string LogMaxKey = "log_max";

    private static readonly string[] CommandKeys = ["command", "env", "working_dir", "resumable", LogMaxKey];

    private static readonly string[] BuiltInKeys =
        [.. HommSettings.Sections, .. HommSettings.InSection("").Select(s => s.Name), LogMaxKey];

    public static TrainerDefinition? Bind(NodeReader r, YNode node, string path, BoundSearchSpace space, string searchSpacePath)
    {
        if (r.Mapping(node, path, "{model: {dim: 64, ...}, optim: {...}, data: {dataset: fashion-mnist}} or {command: [python3, train.py, --lr, \"{lr}\"]}") is not { } map)
            return null;
        TrainerDefinition? trainer = map["command"] is not null
            ? BindCommand(r, map, path, space, searchSpacePath)
            : BindBuiltIn(r, map, path, space, searchSpacePath);
        if (map[LogMaxKey] is not { } logMaxNode)
            return trainer;
        var logMax = Quantities.Bytes(r, logMaxNode, NodeReader.Child(path, LogMaxKey), TrainerDefinition.MinLogMaxBytes, TrainerDefinition.MaxLogMaxBytes);
        return trainer is not null && logMax is { } max ? trainer with { LogMaxBytes = max } : null;
    }

    private static HommTrainerDefinition? BindBuiltIn(NodeReader r, YMapping map, string path, BoundSearchSpace space, string searchSpacePath)
    {
        var errorsBefore = r.Bag.ErrorCount;
        r.CheckKeys(map, path, BuiltInKeys, key => key switch
        {
            "env" or "working_dir" or "resumable" => $"'{key}' applies to command trainers (trainer.command); the built-in trainer takes: {string.Join(", ", BuiltInKeys)}",
            _ when HommSettings.Find(key) is { Section.Length: > 0 } s =>
                $"'{key}' belongs under trainer.{s.Section} (e.g. {s.Section}: {{{key}: …}})",
            _ => null,
        });

        var fixedValues = new Dictionary<string, object>(StringComparer.Ordinal);
        var given = new Dictionary<string, YNode>(StringComparer.Ordinal);
        foreach (var section in HommSettings.Sections)
        {
            if (map[section] is not { } sectionNode)
                continue;
            var sp = NodeReader.Child(path, section);
            if (r.Mapping(sectionNode, sp, section == "data" ? "{dataset: fashion-mnist}" : "{dim: 64, layers: 2}") is not { } sectionMap)
                continue;
            var names = HommSettings.InSection(section).Select(s => s.Name).ToList();
            r.CheckKeys(sectionMap, sp, names, key => HommSettings.Find(key) is { } s && s.Section != section
                ? $"'{key}' belongs under {(s.Section.Length == 0 ? "trainer" : $"trainer.{s.Section}")}, not {sp}"
                : null);
            foreach (var (key, value) in sectionMap.Entries)
            {
                if (HommSettings.Find(key.Value) is { } spec && spec.Section == section)
                    Setting(r, spec, value, NodeReader.Child(sp, key.Value), fixedValues, given);
            }
        }
        foreach (var spec in HommSettings.InSection(""))
        {
            if (map[spec.Name] is { } value)
                Setting(r, spec, value, NodeReader.Child(path, spec.Name), fixedValues, given);
        }

        var searched = BindOverrides(r, space, searchSpacePath, fixedValues.GetValueOrDefault("dataset") as string);
        ApplyDataRules(r, map, path, fixedValues, given);
        var withDefaults = fixedValues.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
        HommSettings.ApplyDefaults(withDefaults, byHand: false);
        foreach (var (name, value) in withDefaults)
        {
            if (value is not null)
                fixedValues[name] = value;
        }
        CheckRequired(r, map, path, fixedValues, space, searched);
        CheckRules(r, map, path, fixedValues, given, searched);
        // In the schema's order (model, optim, data, run), as summaries list them.
        var ordered = HommSettings.All.Where(s => fixedValues.ContainsKey(s.Name)).ToDictionary(s => s.Name, s => fixedValues[s.Name], StringComparer.Ordinal);
        return r.Bag.ErrorCount == errorsBefore ? new HommTrainerDefinition(ordered, searched) : null;
    }

    private static void Setting(NodeReader r, SettingSpec spec, YNode value, string path, Dictionary<string, object> fixedValues, Dictionary<string, YNode> given)
    {
        object? v = spec.Type switch
        {
            SettingType.Int => r.Integer(value, path, (long)Math.Max(spec.Min, -NodeReader.MaxExactInteger), (long)Math.Min(spec.Max, NodeReader.MaxExactInteger)),
            SettingType.Float => r.Number(value, path, spec.Min, spec.MinExclusive, spec.Max, spec.MaxExclusive),
            SettingType.Choice => Choice(r, spec, value, path),
            SettingType.Bool => r.Bool(value, path),
            _ => NonEmpty(r, value, path, spec),
        };
        if (v is null)
            return;
        fixedValues[spec.Name] = v;
        given[spec.Name] = value;
    }

    private static string? Choice(NodeReader r, SettingSpec spec, YNode value, string path)
    {
        var text = r.String(value, path, $"one of {string.Join(", ", spec.Choices!)}");
        if (text is null || spec.Choices!.Contains(text))
            return text;
        var suggestion = NameSuggestion.Closest(text, spec.Choices!);
        r.Error(value, path, $"'{NodeReader.Printable(text)}' is not valid" + (suggestion is null ? "." : $"; did you mean '{suggestion}'?") +
                             $" Expected one of {string.Join(", ", spec.Choices!)}");
        return null;
    }

    private static string? NonEmpty(NodeReader r, YNode value, string path, SettingSpec spec)
    {
        var text = r.String(value, path, spec.Meaning);
        if (text is { Length: 0 })
        {
            r.Error(value, path, $"{spec.Name} is empty; give {spec.Meaning}");
            return null;
        }
        return text;
    }

    /// <summary>Each search-space parameter must name a searchable setting, with values the setting accepts.</summary>
    private static List<string> BindOverrides(NodeReader r, BoundSearchSpace space, string searchSpacePath, string? dataset)
    {
        var searched = new List<string>();
        foreach (var p in space.Parameters.Where(p => p.NameIsValid))
        {
            var at = NodeReader.Child(searchSpacePath, p.Name);
            var spec = HommSettings.Find(p.Name);
            if (spec is null)
            {
                var suggestion = NameSuggestion.Closest(p.Name, HommSettings.SearchableNames);
                r.Error(p.Key, at, $"the built-in trainer has no setting '{NodeReader.Printable(p.Name)}'" +
                                   (suggestion is null ? "." : $"; did you mean '{suggestion}'?") +
                                   $" Its parameters are named after its settings: {string.Join(", ", HommSettings.SearchableNames)}. " +
                                   "To search anything else, train with your own script (trainer.command)");
                continue;
            }
            if (!spec.Searchable)
            {
                r.Error(p.Key, at, $"{spec.Path} ({spec.Meaning}) cannot be searched; set it in the trainer section instead");
                continue;
            }
            if (!spec.Honoured)
            {
                r.Error(p.Key, at, $"{spec.Path} ({spec.Meaning}) is not supported by homm-train yet, so it cannot be searched");
                continue;
            }
            if (dataset is not null && !spec.AppliesTo(dataset))
            {
                r.Error(p.Key, at, $"{spec.Path} ({spec.Meaning}) applies to {string.Join(" and ", spec.Datasets!)} only, not to {dataset} (trainer.data.dataset), so it cannot be searched");
                continue;
            }
            searched.Add(p.Name);
            if (p.Spec is { } ps)
                CheckDomain(r, spec, p, ps.Distribution, searchSpacePath);
        }
        return searched;
    }

    private static void CheckDomain(NodeReader r, SettingSpec spec, BoundParameter p, Distribution d, string searchSpacePath)
    {
        var valid = spec.Describe();
        void Fail(string field, string message)
        {
            var (node, path) = p.Field(field, searchSpacePath);
            r.Error(node, path, $"{message}; {spec.Path} ({spec.Meaning}) must be {valid}");
        }

        // Choices bound in order, so choice i is item i of the list as written.
        void FailChoice(CategoricalDistribution c, object bad)
        {
            var list = p.Declaration as YSequence ?? (p.Declaration as YMapping)?["choices"] as YSequence;
            var index = c.Choices.ToList().IndexOf(bad);
            if (list is null || index < 0 || index >= list.Items.Count)
            {
                Fail("choices", $"the choice {SearchSpaceBinder.Show(bad)} is not valid");
                return;
            }
            var listPath = p.Declaration is YSequence ? NodeReader.Child(searchSpacePath, p.Name) : NodeReader.Child(NodeReader.Child(searchSpacePath, p.Name), "choices");
            r.Error(list.Items[index], NodeReader.Item(listPath, index), $"the choice {SearchSpaceBinder.Show(bad)} is not valid; {spec.Path} ({spec.Meaning}) must be {valid}");
        }

        switch (spec.Type, d)
        {
            case (SettingType.Choice, CategoricalDistribution c):
                foreach (var bad in c.Choices.Where(x => x is not string s || !spec.Choices!.Contains(s)))
                    FailChoice(c, bad);
                break;
            case (SettingType.Bool, CategoricalDistribution c):
                foreach (var bad in c.Choices.Where(x => x is not bool))
                    FailChoice(c, bad);
                break;
            case (SettingType.Bool, _):
                Fail("type", $"'{p.Name}' is true or false; use type: categorical with choices [true, false]");
                break;
            case (SettingType.Choice, _):
                Fail("type", $"'{p.Name}' is a choice of words; use type: categorical with choices from {string.Join(", ", spec.Choices!)}");
                break;
            case (SettingType.Int, FloatDistribution):
                Fail("type", $"'{p.Name}' takes whole numbers; use type: int");
                break;
            case (_, CategoricalDistribution c):
                foreach (var bad in c.Choices.Where(x => x is not (long or double)
                                                         || (spec.Type == SettingType.Int && x is double)
                                                         || !spec.InRange(Convert.ToDouble(x, CultureInfo.InvariantCulture))))
                {
                    FailChoice(c, bad);
                }
                break;
            case (_, FloatDistribution f):
                if (!spec.InRange(f.Low))
                    Fail("low", string.Create(CultureInfo.InvariantCulture, $"low ({f.Low}) is out of range"));
                if (!spec.InRange(f.High))
                    Fail("high", string.Create(CultureInfo.InvariantCulture, $"high ({f.High}) is out of range"));
                break;
            case (_, IntDistribution i):
                if (!spec.InRange(i.Low))
                    Fail("low", string.Create(CultureInfo.InvariantCulture, $"low ({i.Low}) is out of range"));
                if (!spec.InRange(i.High))
                    Fail("high", string.Create(CultureInfo.InvariantCulture, $"high ({i.High}) is out of range"));
                break;
            default:
                break;
        }
    }

    /// <summary>A data set may know its path and image size (<see cref="HommDataset"/>); otherwise the file must give them.</summary>
    private static void ApplyDataRules(NodeReader r, YMapping map, string path, Dictionary<string, object> fixedValues, Dictionary<string, YNode> given)
    {
        var dataPath = NodeReader.Child(path, "data");
        var at = (YNode?)map["data"] ?? map;
        if (!fixedValues.TryGetValue("dataset", out var name) || HommDataset.Find((string)name) is not { } dataset)
        {
            if (!given.ContainsKey("dataset") && (map["data"] is not YMapping dm || dm["dataset"] is null))
            {
                r.Error(at, NodeReader.Child(dataPath, "dataset"),
                    $"'dataset' is missing: {string.Join(" or ", HommDataset.All.Select(d => d.Name))} (e.g. data: {{dataset: {HommDataset.FashionMnistName}}})");
            }
            return;
        }
        foreach (var (setting, known, example) in new[] { ("path", dataset.DefaultPath is not null, "path: /data/imagenet"), ("image_size", dataset.ImageSize is not null, "image_size: 160") })
        {
            if (!known && !fixedValues.ContainsKey(setting) && !given.ContainsKey(setting) && !(map["data"] is YMapping m && m[setting] is not null))
                r.Error(at, NodeReader.Child(dataPath, setting), $"'{setting}' is missing: {dataset.Meaning} needs {HommSettings.Find(setting)!.Meaning} (e.g. {example})");
        }
    }

    private static void CheckRequired(NodeReader r, YMapping map, string path, Dictionary<string, object> fixedValues, BoundSearchSpace space, List<string> searched)
    {
        foreach (var spec in HommSettings.All.Where(s => s.IsRequired))
        {
            if (fixedValues.ContainsKey(spec.Name) || spec.Name == "dataset")
                continue;
            if (spec.Section.Length > 0 && map[spec.Section] is { } node && node is not YMapping)
                continue; // the section is not a mapping: already reported
            var section = spec.Section.Length == 0 ? map : map[spec.Section] as YMapping;
            if (section?[spec.Name] is not null || (section is not null && r.HasMisspelling(section, spec.Name)))
                continue; // given but invalid, or misspelt: already reported
            var at = (YNode?)section ?? map;
            var param = space.Find(spec.Name);
            if (param is not null && searched.Contains(spec.Name))
            {
                if (param.Spec?.When is { } when)
                {
                    r.Error(param.Key, NodeReader.Child("search_space", spec.Name),
                        $"'{spec.Name}' is searched only when {when.Parent} is {string.Join(" or ", when.Values.Select(SearchSpaceBinder.Show))}; " +
                        $"give {spec.Path} a fixed value for the other trials");
                }
                continue;
            }
            if (param is not null)
                continue; // searched but rejected above
            r.Error(at, spec.Path, $"'{spec.Name}' is missing: {spec.Meaning}; set it in {path}{(spec.Section.Length == 0 ? "" : "." + spec.Section)} or search it in search_space");
        }
    }

    /// <summary>
    /// The schema's rules (<see cref="HommSettings.Problems"/>) over the fixed settings, each located
    /// at the setting it names (or at the section that would hold it when it is a default).
    /// </summary>
    private static void CheckRules(NodeReader r, YMapping map, string path, Dictionary<string, object> fixedValues, Dictionary<string, YNode> given, List<string> searched)
    {
        var values = fixedValues.Where(kv => !searched.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
        foreach (var problem in HommSettings.Problems(values))
        {
            var spec = HommSettings.Find(problem.Setting)!;
            var at = given.GetValueOrDefault(problem.Setting) ?? (spec.Section.Length > 0 ? map[spec.Section] : null) ?? map;
            var where = spec.Section.Length == 0 ? NodeReader.Child(path, spec.Name) : NodeReader.Child(NodeReader.Child(path, spec.Section), spec.Name);
            if (problem.IsWarning)
                r.Warning(at, where, problem.Message);
            else
                r.Error(at, where, problem.Message);
        }
    }

    /// <summary>With the built-in trainer the objective must be a metric homm-train reports (<see cref="HommMetrics"/>).</summary>
    public static void CheckObjective(NodeReader r, YNode metricNode, string metric, string path = "objective.metric")
    {
        if (HommMetrics.Find(metric) is not null)
            return;
        var suggestion = HommMetrics.Suggest(metric);
        r.Error(metricNode, path, $"the built-in trainer does not report '{NodeReader.Printable(metric)}'" +
                                                (suggestion is null ? "." : $"; did you mean '{suggestion}'?") +
                                                $" It reports: {string.Join(", ", HommMetrics.Names)}");
    }

    private static CommandTrainerDefinition? BindCommand(NodeReader r, YMapping map, string path, BoundSearchSpace space, string searchSpacePath)
    {
        var errorsBefore = r.Bag.ErrorCount;
        r.CheckKeys(map, path, CommandKeys, key => BuiltInKeys.Contains(key) || HommSettings.Find(key) is not null
            ? $"'{key}' is a setting of the built-in trainer, which a command trainer does not use; pass it to your command as an argument instead (valid keys: {string.Join(", ", CommandKeys)})"
            : null);

        foreach (var p in space.Parameters.Where(p => TemplateString.ReservedNames.Contains(p.Name)))
        {
            r.Error(p.Key, NodeReader.Child(searchSpacePath, p.Name),
                $"'{p.Name}' is reserved for command trainers ({{{p.Name}}} is filled in by the dispatcher); rename the parameter");
        }

        var commandPath = NodeReader.Child(path, "command");
        var commandNode = map["command"]!;
        var arguments = new List<TemplateString>();
        if (commandNode is YScalar { Resolved.Kind: ScalarKind.String } line)
        {
            var split = line.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            r.Error(commandNode, commandPath, "command is a list of arguments, run without a shell; write it as " +
                                              $"[{string.Join(", ", split.Select(s => s.Contains('{', StringComparison.Ordinal) ? $"\"{s}\"" : s))}]");
        }
        else if (r.Sequence(commandNode, commandPath, "[python3, train.py, --lr, \"{lr}\"]") is { } seq)
        {
            if (seq.Items.Count == 0)
                r.Error(seq, commandPath, "the command is empty; give the program and its arguments, e.g. [python3, train.py, --lr, \"{lr}\"]");
            for (var i = 0; i < seq.Items.Count; i++)
            {
                if (Template(r, seq.Items[i], NodeReader.Item(commandPath, i), space) is { } t)
                    arguments.Add(t);
            }
            if (arguments.Count > 0 && arguments[0].Text.Trim().Length == 0)
                r.Error(seq.Items[0], NodeReader.Item(commandPath, 0), "the program name is empty");
        }

        var environment = new Dictionary<string, TemplateString>(StringComparer.Ordinal);
        if (map["env"] is { } envNode && r.Mapping(envNode, NodeReader.Child(path, "env"), "{PYTHONUNBUFFERED: \"1\"}") is { } envMap)
        {
            foreach (var (key, value) in envMap.Entries)
            {
                var p = NodeReader.Child(NodeReader.Child(path, "env"), key.Value);
                if (!EnvName().IsMatch(key.Value))
                {
                    r.Error(key, p, $"'{NodeReader.Printable(key.Value)}' is not a valid environment variable name (ASCII letters, digits and '_', not starting with a digit)");
                    continue;
                }
                if (Template(r, value, p, space) is { } t)
                    environment[key.Value] = t;
            }
        }

        string? workingDir = null;
        if (map["working_dir"] is { } wd)
        {
            workingDir = r.String(wd, NodeReader.Child(path, "working_dir"), "a directory");
            if (workingDir is { Length: 0 })
                r.Error(wd, NodeReader.Child(path, "working_dir"), "working_dir is empty; leave it out to run in the study file's directory");
        }

        var resumable = map["resumable"] is { } resumableNode && r.Bool(resumableNode, NodeReader.Child(path, "resumable")) == true;

        if (r.Bag.ErrorCount != errorsBefore)
            return null;
        var used = arguments.Concat(environment.Values).SelectMany(t => t.Placeholders).ToHashSet(StringComparer.Ordinal);
        if (!used.Contains("params_file"))
        {
            foreach (var p in space.Parameters.Where(p => !used.Contains(p.Name)))
            {
                r.Warning(p.Key, NodeReader.Child(searchSpacePath, p.Name),
                    $"'{p.Name}' is not passed to the command; add \"{{{p.Name}}}\" to trainer.command, or pass \"{{params_file}}\" (a JSON file with every parameter)");
            }
        }
        return new CommandTrainerDefinition(arguments, environment, workingDir, resumable);
    }

    private static TemplateString? Template(NodeReader r, YNode node, string path, BoundSearchSpace space)
    {
        if (node is YMapping { Entries.Count: 1 } m && m.Entries[0].Value is YScalar { Resolved.Kind: ScalarKind.Null })
        {
            r.Error(node, path, $"write \"{{{m.Entries[0].Key.Value}}}\" in quotes: unquoted braces make a YAML mapping");
            return null;
        }
        if (node is not YScalar s || s.Resolved.Kind is ScalarKind.Null or ScalarKind.Invalid)
        {
            r.Error(node, path, $"expected a string (an argument), found {NodeReader.Describe(node)}");
            return null;
        }
        // Numbers and booleans are arguments too ("--epochs", 10): take them as written.
        var template = TemplateString.TryParse(s.Value, out var error);
        if (template is null)
        {
            r.Error(s.MarkAt(error!.Value.Index), path, error.Value.Message);
            return null;
        }
        var ok = true;
        foreach (var name in template.Placeholders)
        {
            if (TemplateString.ReservedNames.Contains(name))
                continue;
            var index = s.Value.IndexOf("{" + name + "}", StringComparison.Ordinal);
            var at = s.MarkAt(Math.Max(index, 0));
            var param = space.Find(name);
            if (param is null)
            {
                var suggestion = NameSuggestion.Closest(name, space.Parameters.Select(p => p.Name).Concat(TemplateString.ReservedNames));
                r.Error(at, path, $"the placeholder {{{name}}} names no search-space parameter" + (suggestion is null ? "." : $"; did you mean {{{suggestion}}}?") +
                                  $" Placeholders: {string.Join(", ", space.Parameters.Select(p => "{" + p.Name + "}").Concat(TemplateString.ReservedNames.Select(n => "{" + n + "}")))}");
                ok = false;
            }
            else if (param.Spec?.When is { } when)
            {
                r.Error(at, path, $"{{{name}}} is a conditional parameter (only when {when.Parent} is {string.Join(" or ", when.Values.Select(SearchSpaceBinder.Show))}), " +
                                  "so some trials have no value for it; read it from {params_file} instead");
                ok = false;
            }
        }
        return ok ? template : null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}
