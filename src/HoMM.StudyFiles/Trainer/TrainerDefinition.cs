using HoMM.TrainerSettings;

namespace HoMM.StudyFiles.Trainer;

/// <summary>How each trial is trained: the built-in HoMM trainer or a command of the user's.</summary>
public abstract record TrainerDefinition
{
    /// <summary>The cap of a trial's <c>trainer.log</c> when <c>trainer.log_max</c> is not given: 50 MiB.</summary>
    public const long DefaultLogMaxBytes = 50L << 20;

    /// <summary>The smallest <c>trainer.log_max</c>: room for the log's head, its marker line and its tail.</summary>
    public const long MinLogMaxBytes = 64L << 10;

    /// <summary>The largest <c>trainer.log_max</c> (1 TiB; in effect no cap).</summary>
    public const long MaxLogMaxBytes = 1L << 40;

    /// <summary>
    /// <c>trainer.log_max</c>: the size at which the dispatcher stops appending the trainer's output to
    /// the trial's <c>trainer.log</c> and keeps only the attempt's last lines, after a marker line.
    /// </summary>
    public long LogMaxBytes { get; init; } = DefaultLogMaxBytes;
    /// <summary>
    /// Whether the trainer checkpoints on a stop line and resumes from its checkpoint, exactly: what
    /// <c>pruner: {mode: promote}</c> needs to pause a trial and run it on later.
    /// </summary>
    public abstract bool CanResume { get; }

    /// <summary>Steps of a full trial when the study file decides them (homm-train's fixed <c>steps</c>), else null.</summary>
    public abstract long? FullRunSteps { get; }
}

/// <summary>
/// The built-in trainer (<c>homm-train</c>). <see cref="Fixed"/> holds the value of every setting the
/// file gives or defaults (by setting name: dim, lr, eval_every…); <see cref="Searched"/> names the
/// settings a search-space parameter of the same name overrides. <see cref="Resolve"/> gives one
/// trial's complete settings.
/// </summary>
public sealed record HommTrainerDefinition(IReadOnlyDictionary<string, object> Fixed, IReadOnlyList<string> Searched) : TrainerDefinition
{
    /// <summary>The settings for a trial: fixed values overlaid with the trial's parameters of the same names.</summary>
    /// <exception cref="ArgumentException">A setting has no value: a required setting searched only by an inactive conditional parameter.</exception>
    public HommTrainerSettings Resolve(IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in Fixed)
            values[name] = value;
        foreach (var name in Searched)
        {
            if (parameters.TryGetValue(name, out var v))
                values[name] = v;
        }
        return HommTrainerSettingsJson.FromValues(values);
    }

    /// <summary>
    /// The fixed settings that make up the study's identity (<see cref="HommSettings.Identity"/>):
    /// an existing study refuses a file that changes one of them.
    /// </summary>
    public SortedDictionary<string, object?> Identity => HommSettings.Identity(Fixed, Searched);

    /// <summary>homm-train writes an atomic checkpoint on every stop but a pruned one and resumes from it exactly.</summary>
    public override bool CanResume => true;

    public override long? FullRunSteps => !Searched.Contains("steps") && Fixed.TryGetValue("steps", out var s) && s is long steps ? steps : null;
}

/// <summary>
/// A user's trainer: <see cref="Command"/> is started once per trial attempt with placeholders
/// filled in; it reports metrics as JSON lines on stdout (docs/custom-trainer.md).
/// </summary>
/// <param name="Command">The program and its arguments, without a shell.</param>
/// <param name="Environment">Extra environment variables (values may hold placeholders too).</param>
/// <param name="WorkingDirectory">Where the command runs; relative paths are relative to the study file's directory; null: that directory.</param>
/// <param name="Resumable">
/// <c>resumable: true</c>: the trainer says it checkpoints on a stop line (reason <c>paused</c>) and
/// resumes from that checkpoint when started with <c>resume</c> (docs/custom-trainer.md); only then
/// may the study use <c>pruner: {mode: promote}</c>.
/// </param>
public sealed record CommandTrainerDefinition(
    IReadOnlyList<TemplateString> Command,
    IReadOnlyDictionary<string, TemplateString> Environment,
    string? WorkingDirectory,
    bool Resumable = false) : TrainerDefinition
{
    public override bool CanResume => Resumable;

    /// <summary>The dispatcher cannot know a custom trainer's steps: a promoting pruner needs max_resource.</summary>
    public override long? FullRunSteps => null;
}
