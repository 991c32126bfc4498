using System.Globalization;
using System.Text;
using HoMM.Core.Trials;

namespace HoMM.Dispatch.Processes;

/// <summary>
/// What a command template is filled with for one attempt: the trial's parameter values (external
/// representation) and the built-in placeholders. <see cref="StudyDirectory"/> is the study file's
/// folder, where relative file names of a custom command are looked up when the trainer runs
/// elsewhere (<see cref="WorkingDirectory"/>, by default the trial folder).
/// </summary>
public sealed record TrainerCommandContext(
    IReadOnlyDictionary<string, object> Params,
    string TrialDirectory,
    string TrialJsonPath,
    int TrialNumber,
    bool Resume,
    string? StudyName = null,
    string? StudyDirectory = null,
    string? WorkingDirectory = null);

/// <summary>
/// The argv of a trainer: either the built-in <c>homm-train --config &lt;trial.json&gt; [--resume]</c>,
/// or a user's command whose arguments may contain <c>{param}</c> placeholders. Arguments are
/// passed to exec as they are, never through a shell, so values need no quoting.
/// </summary>
public sealed class TrainerCommand
{
    /// <summary>
    /// Placeholders every custom command may use besides the trial's parameters: the trial's number,
    /// its folder, its trial.json, the study's name (the same names the study file validator knows).
    /// </summary>
    public static readonly IReadOnlyList<string> BuiltInPlaceholders = ["trial_number", "trial_dir", "params_file", "study"];

    private readonly IReadOnlyList<Template> _templates;
    private readonly bool _resolveStudyFiles;

    private TrainerCommand(IReadOnlyList<string> arguments, bool isBuiltIn, IReadOnlyList<Template> templates, bool resolveStudyFiles = true)
    {
        Arguments = arguments;
        IsBuiltIn = isBuiltIn;
        _templates = templates;
        _resolveStudyFiles = resolveStudyFiles;
    }

    /// <summary>The command as written (templates for a custom command; the executable for the built-in one).</summary>
    public IReadOnlyList<string> Arguments { get; }

    public bool IsBuiltIn { get; }

    /// <summary>The built-in trainer: <c>&lt;executable&gt; --config &lt;trial.json&gt;</c>, plus <c>--resume</c> when resuming.</summary>
    public static TrainerCommand HommTrain(string executable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executable);
        return new([executable], true, []);
    }

    /// <summary>
    /// A user's command. <c>{name}</c> is replaced by the parameter's value (or a built-in such as
    /// <c>{trial_dir}</c>); <c>{{</c> and <c>}}</c> stand for literal braces.
    /// </summary>
    /// <exception cref="ArgumentException">The command is empty or an argument has an unclosed '{'.</exception>
    public static TrainerCommand Custom(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var list = arguments.ToList();
        if (list.Count == 0 || string.IsNullOrWhiteSpace(list[0]))
            throw new ArgumentException("the trainer command is empty; give the program and its arguments, e.g. [python3, train.py, --lr, \"{lr}\"]", nameof(arguments));
        var templates = list.Select((a, i) => Template.Parse(a, i)).ToList();
        return new(list, false, templates);
    }

    /// <summary>
    /// An argv that is already complete (rendered elsewhere, e.g. by the study file's templates):
    /// used as it is, braces included.
    /// </summary>
    public static TrainerCommand Literal(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var list = arguments.ToList();
        if (list.Count == 0 || string.IsNullOrWhiteSpace(list[0]))
            throw new ArgumentException("the trainer command is empty", nameof(arguments));
        return new(list, false, list.Select(Template.Literal).ToList(), resolveStudyFiles: false);
    }

    /// <summary>
    /// Placeholder problems against a search space's parameter names, one message each (empty when
    /// the command is fine). Run at study validation so a typo fails before the first trial.
    /// </summary>
    public IReadOnlyList<string> Validate(IEnumerable<string> parameterNames)
    {
        ArgumentNullException.ThrowIfNull(parameterNames);
        var names = parameterNames.ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var name in names.Where(n => BuiltInPlaceholders.Contains(n)))
            problems.Add($"parameter '{name}' has the name of a built-in placeholder ({string.Join(", ", BuiltInPlaceholders)}); rename it");
        for (var i = 0; i < _templates.Count; i++)
        {
            foreach (var p in _templates[i].Placeholders)
            {
                if (!names.Contains(p) && !BuiltInPlaceholders.Contains(p))
                    problems.Add($"argument {i} \"{Arguments[i]}\": '{{{p}}}' is neither a parameter ({Join(names)}) nor a built-in ({string.Join(", ", BuiltInPlaceholders)}); write '{{{{' for a literal brace");
            }
        }
        return problems;
    }

    /// <summary>The argv for one attempt.</summary>
    /// <exception cref="TrainerCommandException">A placeholder names a parameter this trial does not have.</exception>
    public IReadOnlyList<string> Render(TrainerCommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsBuiltIn)
        {
            List<string> argv = [Arguments[0], "--config", context.TrialJsonPath];
            if (context.Resume)
                argv.Add("--resume");
            return argv;
        }
        var result = new List<string>(_templates.Count);
        foreach (var template in _templates)
        {
            var text = template.Render(name => Lookup(name, context));
            if (template.Placeholders.Count == 0 && _resolveStudyFiles)
                text = ResolveStudyFile(text, context);
            result.Add(text);
        }
        return result;
    }

    private static string Lookup(string name, TrainerCommandContext c)
    {
        if (c.Params.TryGetValue(name, out var value))
            return ParamFormatter.Format(value);
        return name switch
        {
            "trial_number" => c.TrialNumber.ToString(CultureInfo.InvariantCulture),
            "trial_dir" => c.TrialDirectory,
            "params_file" => c.TrialJsonPath,
            "study" when c.StudyName is not null => c.StudyName,
            _ => throw new TrainerCommandException(
                $"the trainer command uses '{{{name}}}', but trial {c.TrialNumber} has no parameter '{name}' " +
                $"(it has: {Join(c.Params.Keys)}). A conditional parameter that is inactive in this trial cannot be passed; " +
                "read it from trial.json instead"),
        };
    }

    /// <summary>
    /// A trainer that runs in its trial folder would not find the <c>train.py</c> its study names.
    /// A literal argument that names an existing file of the study folder (and none of the working
    /// folder) is therefore passed as that file's absolute path; options and other strings are left
    /// alone.
    /// </summary>
    private static string ResolveStudyFile(string argument, TrainerCommandContext c)
    {
        if (c.StudyDirectory is null || argument.Length == 0 || argument[0] == '-' || Path.IsPathRooted(argument))
            return argument;
        var workingDirectory = c.WorkingDirectory ?? c.TrialDirectory;
        var inStudy = Path.GetFullPath(Path.Combine(c.StudyDirectory, argument));
        return File.Exists(inStudy) && !File.Exists(Path.Combine(workingDirectory, argument)) ? inStudy : argument;
    }

    private static string Join(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    /// <summary>One argument split into literal text and placeholders.</summary>
    private sealed class Template
    {
        private readonly List<(string Text, bool IsPlaceholder)> _parts;

        private Template(List<(string, bool)> parts)
        {
            _parts = parts;
            Placeholders = parts.Where(p => p.Item2).Select(p => p.Item1).ToList();
        }

        public IReadOnlyList<string> Placeholders { get; }

        public static Template Literal(string argument) => new([(argument, false)]);

        public static Template Parse(string argument, int index)
        {
            ArgumentNullException.ThrowIfNull(argument);
            var parts = new List<(string, bool)>();
            var literal = new StringBuilder();
            for (var i = 0; i < argument.Length; i++)
            {
                var c = argument[i];
                if (c == '{' && i + 1 < argument.Length && argument[i + 1] == '{')
                {
                    literal.Append('{');
                    i++;
                }
                else if (c == '}' && i + 1 < argument.Length && argument[i + 1] == '}')
                {
                    literal.Append('}');
                    i++;
                }
                else if (c == '{')
                {
                    var close = argument.IndexOf('}', i + 1);
                    var name = close < 0 ? "" : argument[(i + 1)..close];
                    if (close < 0 || name.Length == 0 || name.Contains('{', StringComparison.Ordinal))
                        throw new ArgumentException(
                            $"trainer command argument {index} \"{argument}\": '{{' at position {i} does not start a placeholder like {{lr}}; write '{{{{' for a literal brace");
                    if (literal.Length > 0)
                    {
                        parts.Add((literal.ToString(), false));
                        literal.Clear();
                    }
                    parts.Add((name, true));
                    i = close;
                }
                else
                {
                    literal.Append(c);
                }
            }
            if (literal.Length > 0 || parts.Count == 0)
                parts.Add((literal.ToString(), false));
            return new Template(parts);
        }

        public string Render(Func<string, string> lookup)
        {
            if (_parts.Count == 1 && !_parts[0].IsPlaceholder)
                return _parts[0].Text;
            var sb = new StringBuilder();
            foreach (var (text, isPlaceholder) in _parts)
                sb.Append(isPlaceholder ? lookup(text) : text);
            return sb.ToString();
        }
    }
}

/// <summary>A command cannot be built for this trial; the attempt fails with this message.</summary>
public sealed class TrainerCommandException(string message) : Exception(message);
