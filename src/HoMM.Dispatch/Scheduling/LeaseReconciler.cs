using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Logging;
using HoMM.Storage;

namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// Queues again the trials whose dispatcher vanished: Running trials whose lease ran out (a
/// killed or stalled process) or was handed back (a stopped worker). Every host that runs or
/// drives a study does this about once a second; the store's compare-and-set on the trial's
/// dispatched-at time lets one host queue each trial, and its claim lets one delivery run it.
/// </summary>
public static class LeaseReconciler
{
    /// <summary>Takes the study's expired leases and queues each trial again.</summary>
    /// <param name="store">Where the study lives.</param>
    /// <param name="studyId">The study.</param>
    /// <param name="queue">The study's queue.</param>
    /// <param name="options">The lease duration (also the least time between two re-dispatches of a trial) and the log.</param>
    /// <param name="queued">Told each trial queued (the driver counts it in flight).</param>
    /// <param name="cancellationToken">Cancels the database calls.</param>
    public static async Task DispatchExpiredAsync(ITrialStore store, long studyId, ITrialQueue queue, DispatchOptions options,
        Action<long>? queued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            foreach (var id in await store.TakeExpiredAsync(studyId, options.LeaseDuration, cancellationToken).ConfigureAwait(false))
            {
                if (await store.GetTrialAsync(id, cancellationToken).ConfigureAwait(false) is not { } trial)
                    continue;
                queued?.Invoke(id);
                await queue.EnqueueAsync(id, trial.Number, cancellationToken).ConfigureAwait(false);
                options.Logger.Redispatched(trial.Number);
            }
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            // The database is briefly unavailable: the next round takes what is still due.
            options.Logger.ReconcileFailed($"{e.GetType().Name}: {e.Message}", e);
        }
    }
}
