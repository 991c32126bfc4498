using Microsoft.Extensions.Logging;

namespace HoMM.Dispatch.Logging;

/// <summary>
/// Every entry dispatch writes to the run's log (<see cref="Driver.DispatchOptions.Logger"/>): one
/// style for the driver, the trial runner and the cluster worker, each naming the trial or study
/// it is about.
/// </summary>
internal static partial class DispatchLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "trial {Trial} cannot run and was failed: {Reason}")]
    public static partial void TrialRefused(this ILogger logger, int trial, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "no new trial can be proposed: {Reason}")]
    public static partial void NoFeasibleProposal(this ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "the study stops: {Count} trials in a row failed with the same reason: {Reason}")]
    public static partial void TooManyFailures(this ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "the search space is exhausted: {Reason}")]
    public static partial void SearchSpaceExhausted(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "trial {Trial}: the dispatcher failed ({Count} of {Limit} times; the trial is tried again until then): {Error}")]
    public static partial void DispatcherError(this ILogger logger, int trial, int count, int limit, string error, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "trial {Trial}: could not record its failure: {Error}")]
    public static partial void CouldNotFail(this ILogger logger, int trial, string error, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "trial {Trial}: could not look for a stop request: {Error}")]
    public static partial void StopPollFailed(this ILogger logger, int trial, string error, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "could not remove worker {Worker} from the heartbeat table: {Error}")]
    public static partial void WorkerNotRemoved(this ILogger logger, string worker, string error, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "trial {Trial}: stopped by a user before it started")]
    public static partial void CancelledBeforeStart(this ILogger logger, int trial);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "trial {Trial} ran out of GPU memory: {Why}; it waits for a slot and runs again (retry {Retry} of {Limit})")]
    public static partial void OutOfMemoryRetry(this ILogger logger, int trial, string why, int retry, int limit);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "driving study '{Study}' as {Driver} (pid {Pid}){Where}")]
    public static partial void DriverStarted(this ILogger logger, string study, string driver, int pid, string where);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "the driver of study '{Study}' ended: {End}")]
    public static partial void DriverEnded(this ILogger logger, string study, string end);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "serving study '{Study}' ({Unfinished} unfinished trials) on {Slots} slots as node {Node}")]
    public static partial void ServingStudy(this ILogger logger, string study, int unfinished, int slots, string node);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "study '{Study}': {Problem}")]
    public static partial void StudyUnusable(this ILogger logger, string study, string problem);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "study '{Study}' lost its driver; driving it from here ({How})")]
    public static partial void TakingOver(this ILogger logger, string study, string how);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "study '{Study}': the driver taken over here ended: {End}")]
    public static partial void TakeoverEnded(this ILogger logger, string study, string end);

    [LoggerMessage(EventId = 32, Level = LogLevel.Error, Message = "study '{Study}': the driver taken over here failed: {Error}; not retrying from this worker")]
    public static partial void TakeoverFailed(this ILogger logger, string study, string error, Exception? exception);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "driver takeover: {Error} (trying again)")]
    public static partial void TakeoverCheckFailed(this ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "checkpoints.keep {Policy}: deleted finished trials' checkpoints, {Bytes} bytes freed")]
    public static partial void CheckpointsDeleted(this ILogger logger, string policy, long bytes);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "checkpoints.keep: could not delete a checkpoint: {Error} (trying again after the next trial)")]
    public static partial void CheckpointSweepFailed(this ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "notify: {Event} event not delivered ({Problem}); retrying in {Seconds} s")]
    public static partial void NotifyRetry(this ILogger logger, string @event, string problem, double seconds);

    [LoggerMessage(EventId = 43, Level = LogLevel.Error, Message = "notify: gave up on the {Event} event after {Attempts} attempts: {Problem}")]
    public static partial void NotifyGaveUp(this ILogger logger, string @event, int attempts, string problem);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "notify: the run ends; {Count} undelivered events dropped after waiting {Seconds} s")]
    public static partial void NotifyDropped(this ILogger logger, int count, double seconds);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "trial {Trial}: its dispatcher's lease ran out (the process died, stalled or stopped); queued again")]
    public static partial void Redispatched(this ILogger logger, int trial);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "could not look for trials whose dispatcher vanished: {Error} (trying again)")]
    public static partial void ReconcileFailed(this ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "trial id {TrialId}: could not renew its lease: {Error} (trying again)")]
    public static partial void LeaseRenewFailed(this ILogger logger, long trialId, string error, Exception exception);

    [LoggerMessage(EventId = 53, Level = LogLevel.Debug, Message = "trial id {TrialId}: could not hand its lease back (it runs out by itself): {Error}")]
    public static partial void LeaseReleaseFailed(this ILogger logger, long trialId, string error, Exception exception);

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "trial {Trial}: paused at step {Step} (its checkpoint kept; it runs on if promoted)")]
    public static partial void TrialPaused(this ILogger logger, int trial, long step);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "trial {Trial}: promoted from rung {Rung} (in its top), runs on to step {Until}")]
    public static partial void TrialPromoted(this ILogger logger, int trial, int rung, long until);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "{Count} paused trials were never promoted: pruned ({Why})")]
    public static partial void PausedTrialsEnded(this ILogger logger, int count, string why);
}
