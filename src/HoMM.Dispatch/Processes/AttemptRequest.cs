using System.Globalization;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Processes;

/// <summary>One attempt of one trial: what to run, where, with which resources.</summary>
public sealed record AttemptRequest
{
    public required long TrialId { get; init; }

    public required int TrialNumber { get; init; }

    /// <summary>1 for the first attempt; retries and resumptions count up.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The trial's parameter values (external representation: double, long/int, string, bool).</summary>
    public required IReadOnlyDictionary<string, object> Params { get; init; }

    public required TrainerCommand Command { get; init; }

    /// <summary>
    /// The trial's own folder, kept across attempts: the trainer's working directory, where
    /// trial.json is written and checkpoints live. Created when missing.
    /// </summary>
    public required string TrialDirectory { get; init; }

    public required TrainerSlot Slot { get; init; }

    /// <summary>Where the trainer runs; default <see cref="TrialDirectory"/> (so checkpoints of parallel trials never collide).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The trial's log; default <c>&lt;TrialDirectory&gt;/trainer.log</c>.</summary>
    public string? LogPath { get; init; }

    /// <summary>The cap of the trial's log (the study file's <c>trainer.log_max</c>; see TrainerLog).</summary>
    public long LogMaxBytes { get; init; } = StudyFiles.Trainer.TrainerDefinition.DefaultLogMaxBytes;

    /// <summary>Wall-clock limit for this attempt; null for none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Resume from the trial's checkpoint (a retry, or a trial interrupted by a shutdown).</summary>
    public bool Resume { get; init; }

    public string? StudyName { get; init; }

    /// <summary>The study file's folder: relative file names in a custom command are resolved there.</summary>
    public string? StudyDirectory { get; init; }

    /// <summary>The study's objective metric. When set, a final result without it, or with a NaN/inf value, fails the attempt.</summary>
    public string? Objective { get; init; }

    /// <summary>
    /// With <see cref="Objective"/>: the first metrics line without the objective stops the trainer
    /// and fails the attempt, so a misspelt objective costs seconds, not a whole training
    /// (set for custom trainers; the built-in trainer's metrics are checked by <c>validate</c>).
    /// </summary>
    public bool ObjectiveInEveryMetricsLine { get; init; }

    /// <summary>The study's fixed trainer settings (a JSON object), written to trial.json as "settings".</summary>
    public JsonElement? Settings { get; init; }

    /// <summary>The trainer's working directory.</summary>
    public string EffectiveWorkingDirectory => WorkingDirectory ?? TrialDirectory;

    /// <summary>The log file this attempt appends to.</summary>
    public string EffectiveLogPath => LogPath ?? Path.Combine(TrialDirectory, "trainer.log");

    /// <summary>The trial file the trainer reads: <c>&lt;TrialDirectory&gt;/trial.json</c>.</summary>
    public string TrialJsonPath => Path.Combine(TrialDirectory, "trial.json");
}

/// <summary>Tuning of <see cref="AttemptRunner"/>.</summary>
public sealed record AttemptRunnerOptions
{
    /// <summary>How long a trainer has, after the stop line, to checkpoint and exit before SIGTERM goes to its group.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after SIGTERM before SIGKILL.</summary>
    public TimeSpan TerminateGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// For a trial a person cancelled: how long after the stop line before SIGTERM to its group, and
    /// again before SIGKILL. Short, since a cancelled trial needs no checkpoint: the group is gone
    /// within a few seconds of the dispatcher seeing the request.
    /// </summary>
    public TimeSpan CancelGracePeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>After the trainer's group is gone, how long to wait for its output pipes to close.</summary>
    public TimeSpan OutputDrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longer stdout/stderr lines are cut.</summary>
    public int MaxLineBytes { get; init; } = TrainerProtocol.DefaultMaxLineBytes;
}

/// <summary>
/// Receives an attempt's progress. Calls come one at a time, in order, from the task that reads
/// the trainer's stdout: while a call runs, the trainer's output waits in its pipe (and a trainer
/// that fills the pipe blocks), so keep them short — store, ask the pruner, return.
/// </summary>
public interface IAttemptObserver
{
    /// <summary>
    /// Called once, after the process started and before any of its output is read. Persist
    /// <see cref="IAttemptControl.Process"/> here: a dispatcher that recovers after a crash needs it
    /// to kill this trainer. If this throws, the trainer is killed and RunAsync rethrows.
    /// </summary>
    ValueTask OnStartedAsync(IAttemptControl attempt);

    /// <summary>
    /// Each protocol message in order (metrics, final, error, info, checkpoint, protocol warnings;
    /// log lines go to the log file). To prune, call <see cref="IAttemptControl.Stop"/>.
    /// If this throws, the trainer is killed and RunAsync rethrows.
    /// </summary>
    ValueTask OnEventAsync(TrainerEvent trainerEvent, IAttemptControl attempt);
}

/// <summary>The running attempt, as its observer (or a dashboard action) controls it.</summary>
public interface IAttemptControl
{
    ProcessIdentity Process { get; }

    /// <summary>The step of the last metrics line, or null.</summary>
    long? LastStep { get; }

    /// <summary>The first stop reason sent to the trainer, or null while none was.</summary>
    StopReason? StopRequested { get; }

    /// <summary>
    /// Asks the trainer to stop: writes the stop line, closes its stdin, and if it has not exited
    /// after <see cref="AttemptRunnerOptions.StopGracePeriod"/> sends SIGTERM to its group, then SIGKILL
    /// after <see cref="AttemptRunnerOptions.TerminateGracePeriod"/>. Returns at once; thread-safe;
    /// the first reason wins.
    /// </summary>
    void Stop(StopReason reason);
}

/// <summary>The files and variables an attempt's trainer gets.</summary>
internal static class TrainerEnvironment
{
    /// <param name="r">The attempt.</param>
    /// <param name="extra">The command's own variables (the study file's <c>trainer.env</c>); they override the ones set here.</param>
    public static Dictionary<string, string?> Build(AttemptRequest r, IReadOnlyDictionary<string, string> extra)
    {
        var threads = r.Slot.Threads.ToString(CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // Empty, not unset, on a CPU slot: unset would show the trainer every GPU of the host.
            ["CUDA_VISIBLE_DEVICES"] = r.Slot.CudaVisibleDevices ?? "",
            ["OMP_NUM_THREADS"] = threads,
            ["MKL_NUM_THREADS"] = threads,
            ["OPENBLAS_NUM_THREADS"] = threads,
            // Spinning OpenMP workers burn the cores other slots' trainers need.
            ["OMP_WAIT_POLICY"] = "PASSIVE",
            // Python block-buffers a piped stdout: metrics would arrive only at exit, too late to prune.
            ["PYTHONUNBUFFERED"] = "1",
            ["HOMM_TRIAL_ID"] = r.TrialId.ToString(CultureInfo.InvariantCulture),
            ["HOMM_TRIAL_NUMBER"] = r.TrialNumber.ToString(CultureInfo.InvariantCulture),
            ["HOMM_ATTEMPT"] = r.Attempt.ToString(CultureInfo.InvariantCulture),
            ["HOMM_TRIAL_DIR"] = r.TrialDirectory,
            ["HOMM_PARAMS_FILE"] = r.TrialJsonPath,
            ["HOMM_SLOT"] = r.Slot.Id,
            ["HOMM_RESUME"] = r.Resume ? "1" : "0",
        };
        if (r.StudyName is not null)
            env["HOMM_STUDY"] = r.StudyName;
        foreach (var (k, v) in extra)
            env[k] = v;
        return env;
    }

    /// <summary>
    /// Writes trial.json (see docs/custom-trainer.md) through a temporary file and a rename, so a
    /// trainer never reads half a file.
    /// </summary>
    public static void WriteTrialFile(AttemptRequest r)
    {
        var tmp = r.TrialJsonPath + ".tmp";
        using (var stream = File.Create(tmp))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            if (r.StudyName is not null)
                w.WriteString("study", r.StudyName);
            w.WriteNumber("trial_id", r.TrialId);
            w.WriteNumber("trial_number", r.TrialNumber);
            w.WriteNumber("attempt", r.Attempt);
            w.WriteBoolean("resume", r.Resume);
            w.WriteString("trial_dir", r.TrialDirectory);
            w.WritePropertyName("params");
            w.WriteStartObject();
            foreach (var (name, value) in r.Params)
            {
                w.WritePropertyName(name);
                WriteValue(w, value);
            }
            w.WriteEndObject();
            w.WritePropertyName("settings");
            if (r.Settings is { ValueKind: JsonValueKind.Object } settings)
                settings.WriteTo(w);
            else
                w.WriteRawValue("{}");
            w.WriteEndObject();
        }
        File.Move(tmp, r.TrialJsonPath, overwrite: true);
    }

    private static void WriteValue(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
            case long l: w.WriteNumberValue(l); break;
            case int i: w.WriteNumberValue(i); break;
            case decimal m: w.WriteNumberValue(m); break;
            case JsonElement e: e.WriteTo(w); break;
            case IConvertible c when c.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.UInt64:
                w.WriteNumberValue(c.ToInt64(CultureInfo.InvariantCulture));
                break;
            default: w.WriteStringValue(ParamFormatter.Format(value)); break;
        }
    }
}
