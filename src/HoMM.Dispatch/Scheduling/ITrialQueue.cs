namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// Where a study driver puts the jobs of the trials it wants run: a study's
/// <see cref="TrialScheduler"/>, its own or one a cluster worker already holds for the study.
/// </summary>
public interface ITrialQueue
{
    /// <summary>Whether the trial has a job in the queue (waiting, running or awaiting recovery).</summary>
    Task<bool> HasJobAsync(long trialId, CancellationToken cancellationToken = default);

    /// <summary>Queues the trial to run now, unless it already has a job; false when it had one.</summary>
    Task<bool> ScheduleAsync(long trialId, int trialNumber, CancellationToken cancellationToken = default);
}
