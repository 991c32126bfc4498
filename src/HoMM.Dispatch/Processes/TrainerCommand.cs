using HoMM.StudyFiles.Trainer;

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

/// <summary>The argv and the extra environment variables of one attempt's trainer.</summary>
public sealed record RenderedCommand(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// The argv of a trainer: either the built-in <c>homm-train --config &lt;trial.json&gt; [--resume]</c>,
/// or a user's command whose arguments (and environment values) may contain <c>{param}</c>
/// placeholders, rendered by the study file's <see cref="TemplateString"/>. Arguments are passed to
/// exec as they are, never through a shell, so values need no quoting.
/// </summary>
public sealed class TrainerCommand
{
    private readonly string? _executable;
    private readonly IReadOnlyList<TemplateString> _arguments;
    private readonly IReadOnlyDictionary<string, TemplateString> _environment;

    private TrainerCommand(string? executable, IReadOnlyList<TemplateString> arguments, IReadOnlyDictionary<string, TemplateString> environment)
    {
        _executable = executable;
        _arguments = arguments;
        _environment = environment;
    }

    /// <summary>The built-in trainer: <c>&lt;executable&gt; --config &lt;trial.json&gt;</c>, plus <c>--resume</c> when resuming.</summary>
    public static TrainerCommand HommTrain(string executable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executable);
        return new(executable, [], new Dictionary<string, TemplateString>());
    }

    /// <summary>
    /// A user's command (the study file's <c>trainer.command</c> and <c>trainer.env</c>): each
    /// placeholder is replaced by the trial's parameter of that name or a reserved value such as
    /// <c>{trial_dir}</c> (<see cref="TemplateString.ReservedNames"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The command is empty.</exception>
    public static TrainerCommand Custom(IReadOnlyList<TemplateString> arguments, IReadOnlyDictionary<string, TemplateString>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count == 0 || string.IsNullOrWhiteSpace(arguments[0].Text))
            throw new ArgumentException("the trainer command is empty; give the program and its arguments, e.g. [python3, train.py, --lr, \"{lr}\"]", nameof(arguments));
        return new(null, arguments, environment ?? new Dictionary<string, TemplateString>());
    }

    /// <summary>The argv and environment for one attempt.</summary>
    /// <exception cref="TrainerCommandException">A placeholder names a parameter this trial does not have.</exception>
    public RenderedCommand Render(TrainerCommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_executable is not null)
        {
            List<string> argv = [_executable, "--config", context.TrialJsonPath];
            if (context.Resume)
                argv.Add("--resume");
            return new RenderedCommand(argv, new Dictionary<string, string>());
        }
        var values = TemplateString.TrialValues(context.Params, context.TrialNumber, context.TrialDirectory, context.TrialJsonPath, context.StudyName);
        var arguments = _arguments.Select(a => a.Placeholders.Count == 0 ? ResolveStudyFile(a.Render(values), context) : Fill(a, values, context)).ToList();
        var environment = _environment.ToDictionary(e => e.Key, e => Fill(e.Value, values, context), StringComparer.Ordinal);
        return new RenderedCommand(arguments, environment);
    }

    private static string Fill(TemplateString template, IReadOnlyDictionary<string, object> values, TrainerCommandContext c)
    {
        if (template.Placeholders.FirstOrDefault(p => !values.ContainsKey(p)) is { } missing)
        {
            throw new TrainerCommandException(
                $"the trainer command uses '{{{missing}}}', but trial {c.TrialNumber} has no parameter '{missing}' " +
                $"(it has: {Join(c.Params.Keys)}). A conditional parameter that is inactive in this trial cannot be passed; " +
                "read it from trial.json instead");
        }
        return template.Render(values);
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
}

/// <summary>A command cannot be built for this trial; the attempt fails with this message.</summary>
public sealed class TrainerCommandException(string message) : Exception(message);
