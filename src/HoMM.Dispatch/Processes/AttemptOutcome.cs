using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Processes;

/// <summary>How one attempt of a trial ended, in the terms the study records.</summary>
public abstract record AttemptOutcome
{
    /// <summary>The trainer reported its final result: the trial is Complete.</summary>
    public sealed record Completed(IReadOnlyDictionary<string, double> FinalMetrics) : AttemptOutcome;

    /// <summary>The dispatcher stopped the trainer because the pruner said so: the trial is Pruned.</summary>
    public sealed record Pruned(long? LastStep) : AttemptOutcome;

    /// <summary>
    /// The dispatcher was shutting down and stopped the trainer (which checkpointed): the trial is
    /// not finished and a later attempt resumes it. Not a failure and not a retry.
    /// </summary>
    public sealed record Interrupted(string Reason) : AttemptOutcome;

    /// <summary>
    /// The dispatcher paused the trial at a rung (promotion mode) and the trainer stopped, keeping
    /// its checkpoint: the trial is Paused until a promotion runs it on.
    /// </summary>
    public sealed record Paused(long? LastStep) : AttemptOutcome;

    /// <summary>The attempt failed; <see cref="Reason"/> is the text the dashboard shows.</summary>
    public sealed record Failed(FailureKind Kind, string Reason) : AttemptOutcome;
}

/// <summary>Why an attempt failed. Decides whether a retry can help.</summary>
public enum FailureKind
{
    /// <summary>Non-zero exit or a fatal signal without a protocol error line. A retry may help.</summary>
    Crashed,

    /// <summary>Ran past the trial's time limit.</summary>
    Timeout,

    /// <summary>The loss became NaN/inf (error line with reason "diverged", or a non-finite objective). Retrying the same parameters will not help.</summary>
    Diverged,

    /// <summary>An allocation failed (error line with reason "oom", or a known message on stderr).</summary>
    OutOfMemory,

    /// <summary>The trainer exited with code 0 but wrote no final result (or one without the objective).</summary>
    NoFinalResult,

    /// <summary>The trainer wrote an error line with another reason.</summary>
    TrainerError,

    /// <summary>The program could not be started (not found, not executable, bad command template).</summary>
    StartFailed,

    /// <summary>A person stopped the trial.</summary>
    Stopped,

    /// <summary>A metrics line lacked the study's objective metric (custom trainers): stopped at once, not retried.</summary>
    MissingObjective,
}

/// <summary>Everything the caller records about an attempt.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Process">Null when the process never started.</param>
/// <param name="Exit">Null when the process never started.</param>
/// <param name="LastStep">The last step of a metrics line, if any.</param>
/// <param name="StopRequested">The first stop reason the dispatcher sent, if any.</param>
/// <param name="LastCheckpoint">The last checkpoint the trainer reported, if any.</param>
/// <param name="Duration">From the call to the end of the trainer's group.</param>
public sealed record AttemptResult(
    AttemptOutcome Outcome,
    ProcessIdentity? Process,
    TrainerExit? Exit,
    long? LastStep,
    StopReason? StopRequested,
    CheckpointReported? LastCheckpoint,
    TimeSpan Duration);
