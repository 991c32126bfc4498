using System.Globalization;
using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Processes;

/// <summary>What the runner saw of an attempt, for <see cref="AttemptClassifier"/>.</summary>
internal sealed record AttemptFacts(
    TrainerExit Exit,
    FinalResultReported? Final = null,
    bool FinalBeforeStop = false,
    StopReason? Stop = null,
    TimeSpan? Timeout = null,
    TrainerErrorReported? Error = null,
    string? OutOfMemoryLine = null,
    string? ExecFailure = null,
    IReadOnlyList<string>? StderrTail = null,
    long? LastStep = null,
    string? Objective = null,
    string? ProtocolViolation = null,
    bool KernelOomKill = false);

/// <summary>
/// Turns what happened into an outcome, in this order: a final result that arrived before any
/// stop request; the stop request (pruned, timeout, shutdown, user, paused); the trainer's own error line;
/// an out-of-memory message in its output; the exit code. A stop wins over a later final result
/// because a trainer may report partial metrics when told to stop, and those are not a result.
/// </summary>
internal static class AttemptClassifier
{
    public static AttemptOutcome Classify(AttemptFacts f)
    {
        if (f.Final is not null && (f.Stop is null || f.FinalBeforeStop))
            return CheckObjective(f.Final, f.Objective);

        switch (f.Stop)
        {
            case StopReason.Pruned:
                return new AttemptOutcome.Pruned(f.LastStep);
            case StopReason.Timeout:
                return new AttemptOutcome.Failed(FailureKind.Timeout,
                    $"timeout: still running after {FormatDuration(f.Timeout)}{AtStep(f.LastStep)}");
            case StopReason.Shutdown:
                return new AttemptOutcome.Interrupted("the dispatcher shut down; the next attempt resumes from the last checkpoint");
            case StopReason.User:
                return new AttemptOutcome.Failed(FailureKind.Stopped, $"cancelled{AtStep(f.LastStep)}");
            case StopReason.Paused:
                return new AttemptOutcome.Paused(f.LastStep);
            case StopReason.Protocol:
                return new AttemptOutcome.Failed(FailureKind.MissingObjective, f.ProtocolViolation ?? "the trainer's output broke the protocol");
            default:
                break;
        }

        if (f.Error is { } error)
        {
            return error.Kind switch
            {
                TrainerErrorKind.Diverged => new AttemptOutcome.Failed(FailureKind.Diverged, $"diverged: {error.Message}"),
                TrainerErrorKind.OutOfMemory => new AttemptOutcome.Failed(FailureKind.OutOfMemory, $"out of memory: {error.Message}"),
                _ when f.OutOfMemoryLine is not null => new AttemptOutcome.Failed(FailureKind.OutOfMemory, $"out of memory: {error.Message}"),
                _ => new AttemptOutcome.Failed(FailureKind.TrainerError,
                    error.Reason is { Length: > 0 } r ? $"trainer error ({r}): {error.Message}" : $"trainer error: {error.Message}"),
            };
        }

        if (f.OutOfMemoryLine is not null)
            return new AttemptOutcome.Failed(FailureKind.OutOfMemory, $"out of memory ({f.Exit}): {f.OutOfMemoryLine}");

        if (f.ExecFailure is not null)
            return new AttemptOutcome.Failed(FailureKind.StartFailed, $"could not start the trainer: {f.ExecFailure}");

        var lastError = f.StderrTail is { Count: > 0 } tail ? $": {tail[^1]}" : "";
        if (f.Exit.Signal == Posix.SigKill && f.KernelOomKill)
        {
            return new AttemptOutcome.Failed(FailureKind.OutOfMemory,
                $"out of memory ({f.Exit}): killed by the kernel's out-of-memory killer (its oom_kill count rose during the attempt; see dmesg){lastError}");
        }
        if (f.Exit.Signal == Posix.SigKill)
        {
            // exit(137) reads the same as SIGKILL: without the kernel's count, no claim of an OOM kill.
            return new AttemptOutcome.Failed(FailureKind.Crashed,
                $"killed ({f.Exit}) by someone other than the dispatcher, or exited with 137 itself; the kernel counted no out-of-memory kill{AtStep(f.LastStep)}{lastError}");
        }
        if (f.Exit.Signal is not null)
            return new AttemptOutcome.Failed(FailureKind.Crashed, $"crashed ({f.Exit}){AtStep(f.LastStep)}{lastError}");
        if (f.Exit.ExitCode != 0)
            return new AttemptOutcome.Failed(FailureKind.Crashed, $"crashed ({f.Exit}){AtStep(f.LastStep)}{lastError}");

        return new AttemptOutcome.Failed(FailureKind.NoFinalResult,
            "no final result: the trainer exited with code 0 without writing a line like {\"final\":{\"val/acc\":0.9}}");
    }

    private static AttemptOutcome CheckObjective(FinalResultReported final, string? objective)
    {
        if (objective is null)
            return new AttemptOutcome.Completed(final.Metrics);
        if (!final.Metrics.TryGetValue(objective, out var value))
        {
            var has = final.Metrics.Count == 0 ? "no metrics" : string.Join(", ", final.Metrics.Keys.Order(StringComparer.Ordinal));
            return new AttemptOutcome.Failed(FailureKind.NoFinalResult,
                $"the final result has no \"{objective}\", the study's objective (it has: {has})");
        }
        if (!double.IsFinite(value))
            return new AttemptOutcome.Failed(FailureKind.Diverged, $"diverged: the final {objective} is {value.ToString(CultureInfo.InvariantCulture)}");
        return new AttemptOutcome.Completed(final.Metrics);
    }

    private static string AtStep(long? step) =>
        step is { } s ? $" at step {s.ToString(CultureInfo.InvariantCulture)}" : "";

    internal static string FormatDuration(TimeSpan? duration)
    {
        if (duration is not { } d)
            return "its time limit";
        if (d >= TimeSpan.FromHours(1))
            return d.Minutes == 0 ? $"{(int)d.TotalHours}h" : $"{(int)d.TotalHours}h {d.Minutes}m";
        if (d >= TimeSpan.FromMinutes(1))
            return d.Seconds == 0 ? $"{(int)d.TotalMinutes}m" : $"{(int)d.TotalMinutes}m {d.Seconds}s";
        return $"{d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";
    }
}
