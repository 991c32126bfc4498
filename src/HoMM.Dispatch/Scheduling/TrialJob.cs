using System.Collections.Concurrent;
using Hangfire;

namespace HoMM.Dispatch.Scheduling;

/// <summary>What a delivered trial job does: run the trial if the store gives it to this dispatcher.</summary>
public interface ITrialJobHandler
{
    /// <summary>
    /// Claims the trial in the store and runs it until it is finished, its lease is lost, or
    /// <paramref name="cancellationToken"/> (a shutdown) interrupts it. Safe to call any number of
    /// times for one trial, at once or one after another, in any number of processes: delivery is
    /// at-least-once, and the store's claim lets one caller run it; a finished trial is never run again.
    /// </summary>
    ValueTask RunTrialAsync(long trialId, CancellationToken cancellationToken);
}

/// <summary>
/// One trial as a Hangfire job: <c>RunAsync(study, trial, number)</c>. Hangfire only delivers it;
/// whether it runs is the store's decision (<see cref="ITrialJobHandler"/>). No retries: a job
/// that failed in the dispatcher is queued again by the driver or the reconciler, from the store.
/// </summary>
public sealed class TrialJob
{
    private readonly TrialJobRouter _router;

    internal TrialJob(TrialJobRouter router) => _router = router;

    /// <summary>Runs trial <paramref name="trialId"/> of study <paramref name="studyId"/> here, if the store gives it to this process.</summary>
    /// <param name="studyId">The study's id in the store.</param>
    /// <param name="trialId">The trial's id in the store.</param>
    /// <param name="trialNumber">For people reading Hangfire's dashboard.</param>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("study {0}, trial #{2}")]
    public Task RunAsync(long studyId, long trialId, int trialNumber) => _router.RunAsync(studyId, trialId);
}

/// <summary>
/// Hands each delivered job to the handler of its study in this process, and stops them all at
/// shutdown. Hangfire's own cancellation token is not used: it also fires when Hangfire believes
/// a job was aborted (another server fetched it again), and whether a trial stops is the store's
/// decision, never Hangfire's.
/// </summary>
internal sealed class TrialJobRouter
{
    private readonly ConcurrentDictionary<long, ITrialJobHandler> _handlers = new();
    private readonly Func<long, CancellationToken, Task<ITrialJobHandler?>>? _resolve;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <param name="resolve">Finds the handler of a study this process does not serve yet (a cluster
    /// worker loads the study); null when only added studies are served.</param>
    public TrialJobRouter(Func<long, CancellationToken, Task<ITrialJobHandler?>>? resolve = null) => _resolve = resolve;

    public void Add(long studyId, ITrialJobHandler handler) => _handlers[studyId] = handler;

    public Task RunAsync(long studyId, long trialId)
    {
        if (_stopping.IsCancellationRequested)
            return Task.CompletedTask; // shutting down: the store still has the trial, and re-dispatches it
        var run = RunCoreAsync(studyId, trialId);
        _running.TryAdd(run, 0);
        return Finish(run);

        async Task Finish(Task task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(task, out _);
            }
        }
    }

    private async Task RunCoreAsync(long studyId, long trialId)
    {
        await Task.Yield();
        try
        {
            var handler = _handlers.TryGetValue(studyId, out var known) ? known
                : _resolve is null ? null
                : await _resolve(studyId, _stopping.Token).ConfigureAwait(false);
            // A study not run here (a stale job of a finished study): nothing to do; the store
            // re-dispatches whatever still needs running.
            if (handler is not null)
                await handler.RunTrialAsync(trialId, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutdown: the trial's lease was released; Hangfire sees a job that ended.
        }
    }

    /// <summary>Interrupts every running trial (their trainers checkpoint) and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
    }
}

/// <summary>Gives Hangfire the one <see cref="TrialJob"/> of this queue.</summary>
internal sealed class TrialJobActivator(TrialJobRouter router) : JobActivator
{
    private readonly TrialJob _job = new(router);

    public override object ActivateJob(Type jobType) =>
        jobType == typeof(TrialJob) ? _job : throw new InvalidOperationException($"this queue runs trial jobs only, not {jobType.FullName}");
}
