using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Quartz;

namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// The durable queue of one study's trials: a Quartz scheduler with a persistent job store, one
/// job per trial (key <c>trial-&lt;id&gt;</c>), each stored with RequestRecovery so that a job that
/// was running when the process died is fired again when the study's dispatcher starts next.
/// <para>
/// Settings (DESIGN.md): IdleWaitTime 1 s (a trial scheduled by another process or recovered is
/// picked up within a second; one scheduled here fires at once, Quartz is signalled);
/// ShutdownJobInterruption.Always (a shutdown cancels running attempts, whose trainers checkpoint);
/// RecoverFiringsCancelledByShutdown (an attempt interrupted that way is handed back for recovery
/// rather than completed); shutdown waits for jobs to complete.
/// </para>
/// The store (<see cref="HoMM.Storage.ITrialStore"/>) stays the truth: the driver re-schedules any
/// unfinished trial that has no job, so a lost or deleted queue file loses nothing.
/// </summary>
public sealed class TrialScheduler : ITrialQueue, IAsyncDisposable
{
    private const string Group = "trials";
    private readonly IScheduler _scheduler;
    private readonly ExclusiveFileLock? _lock;
    private bool _shutDown;

    private TrialScheduler(IScheduler scheduler, ExclusiveFileLock? fileLock)
    {
        _scheduler = scheduler;
        _lock = fileLock;
    }

    /// <summary>
    /// Builds the scheduler of study <paramref name="studyId"/> on <paramref name="store"/>, in
    /// standby: jobs (recovered ones included) fire through <paramref name="handler"/>, at most
    /// <paramref name="maxConcurrency"/> at a time (one per slot), once <see cref="StartAsync"/> is called.
    /// </summary>
    /// <exception cref="DispatchLockedException">Another process runs this study on this (non-clustered) queue.</exception>
    public static async Task<TrialScheduler> CreateAsync(
        JobStoreOptions store, long studyId, ITrialJobHandler handler, int maxConcurrency, TimeProvider timeProvider,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);

        ExclusiveFileLock? fileLock = null;
        if (!store.Clustered && store.ExclusiveLockPath is { } lockPath)
            fileLock = ExclusiveFileLock.Acquire($"{lockPath}.study-{studyId.ToString(CultureInfo.InvariantCulture)}",
                $"study {studyId} of this database is already being run by another homm-search process");
        try
        {
            // The name is the recovery key (Quartz recovers the firings of its own scheduler name),
            // so it must be the same at every restart: the study plus the queue it lives in.
            var name = string.Create(CultureInfo.InvariantCulture,
                $"homm-study-{studyId}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(store.Description)).AsSpan(0, 4))}");
            var builder = QuartzSchedulerBuilder.Create(q =>
            {
                q.ConfigureScheduler(s =>
                {
                    s.InstanceName = name;
                    if (store.InstanceId is { } instanceId)
                        s.InstanceId = instanceId;
                    s.IdleWaitTime = TimeSpan.FromSeconds(1);
                    s.ShutdownJobInterruption = ShutdownJobInterruption.Always;
                });
                q.UseDefaultThreadPool(maxConcurrency);
                q.UseTimeProvider(timeProvider);
                q.UseJobFactory(new TrialJobFactory(handler));
                q.UsePersistentStore(p =>
                {
                    store.Configure(p);
                    p.ConfigureStore(o => o.RecoverFiringsCancelledByShutdown = true);
                });
            });
            var scheduler = await builder.BuildScheduler(cancellationToken).ConfigureAwait(false);
            return new TrialScheduler(scheduler, fileLock);
        }
        catch
        {
            fileLock?.Dispose();
            throw;
        }
    }

    /// <summary>Starts firing: recovered jobs first, then whatever is scheduled.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default) =>
        await _scheduler.Start(cancellationToken).ConfigureAwait(false);

    private static JobKey KeyOf(long trialId) => new($"trial-{trialId.ToString(CultureInfo.InvariantCulture)}", Group);

    /// <summary>Whether the trial has a job in the queue (waiting, running or awaiting recovery).</summary>
    public async Task<bool> HasJobAsync(long trialId, CancellationToken cancellationToken = default) =>
        await _scheduler.GetJobDetail(KeyOf(trialId), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Queues the trial to run now, unless it already has a job. The job is not durable: Quartz
    /// deletes it once it has run to the end (the trial is finished).
    /// </summary>
    /// <returns>False when the trial already had a job.</returns>
    public async Task<bool> ScheduleAsync(long trialId, int trialNumber, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(trialId);
        var job = JobBuilder.Create<TrialJob>()
            .WithIdentity(key)
            .WithDescription(string.Create(CultureInfo.InvariantCulture, $"trial {trialNumber}"))
            .UsingJobData(TrialJob.TrialIdKey, trialId)
            .RequestRecovery()
            // Two firings of one trial must never run at once (a recovery and a re-schedule).
            .DisallowConcurrentExecution()
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key.Name, Group)
            .StartNow()
            .Build();
        try
        {
            await _scheduler.ScheduleJob(job, trigger, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ObjectAlreadyExistsException)
        {
            return false;
        }
    }

    /// <summary>
    /// Stops firing, interrupts running attempts (their trainers get a stop line and checkpoint) and
    /// waits for them to return. Idempotent.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        if (_shutDown)
            return;
        _shutDown = true;
        try
        {
            await _scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock?.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);
}
