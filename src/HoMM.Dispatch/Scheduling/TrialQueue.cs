using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// Where a study driver puts the trials it wants run: one study's view of a <see cref="TrialQueue"/>.
/// Queueing a trial twice is harmless (the store's claim lets one delivery run it), so callers
/// queue whenever in doubt and never ask the queue what it holds: the store is the truth.
/// </summary>
public interface ITrialQueue
{
    /// <summary>Queues a job for the trial.</summary>
    Task EnqueueAsync(long trialId, int trialNumber, CancellationToken cancellationToken = default);
}

/// <summary>
/// A Hangfire queue of trial jobs (<see cref="JobStoreOptions"/>) and, when this process runs
/// trials, a Hangfire server working it with one worker per slot (which slot a trial gets is
/// still ours: <see cref="Slots.SlotPool"/>). Hangfire delivers at least once; every job goes
/// through <see cref="ITrialJobHandler"/>, which asks the store whether to run.
/// <para>
/// Server settings and why: retries off (the store re-dispatches, from the trial's checkpoint);
/// Hangfire's cancellation token unused (a trial stops when the store says so, or at our
/// shutdown), so its abort check runs only once a minute; the shutdown stops our trials first
/// (stop line: trainers checkpoint) and then the server, so Hangfire never abandons a job.
/// </para>
/// </summary>
public sealed class TrialQueue : IAsyncDisposable
{
    private readonly JobStorage _storage;
    private readonly Action? _wake;
    private readonly BackgroundJobClient _client;
    private readonly TrialJobRouter _router;
    private readonly BackgroundJobServerOptions _serverOptions;
    private readonly IDisposable? _lock;
    private BackgroundJobServer? _server;
    private bool _shutDown;

    private TrialQueue(JobStoreOptions store, OpenedQueue queue, TrialJobRouter router, int workers, IDisposable? studyLock)
    {
        _storage = queue.Storage;
        _wake = queue.Wake;
        _client = new BackgroundJobClient(_storage);
        _router = router;
        _lock = studyLock;
        Description = store.Description;
        _serverOptions = new BackgroundJobServerOptions
        {
            WorkerCount = workers,
            Queues = [JobStoreOptions.QueueName],
            ServerName = store.InstanceId ?? $"{Environment.MachineName}:{Environment.ProcessId}",
            Activator = new TrialJobActivator(router),
            CancellationCheckInterval = TimeSpan.FromMinutes(1),
            ShutdownTimeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>What the queue is, for messages.</summary>
    public string Description { get; }

    /// <summary>
    /// The queue of study <paramref name="studyId"/>, its jobs run through <paramref name="handler"/>
    /// by up to <paramref name="workers"/> Hangfire workers once <see cref="Start"/> is called. On a
    /// SQLite queue this process takes the study's lock on the database file first.
    /// </summary>
    /// <exception cref="DispatchLockedException">Another process runs this study on this database file.</exception>
    public static TrialQueue ForStudy(JobStoreOptions store, long studyId, ITrialJobHandler handler, int workers)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var studyLock = store.StudyDatabasePath is { } db ? StudyLock.Acquire(db, studyId) : null;
        try
        {
            var router = new TrialJobRouter();
            router.Add(studyId, handler);
            return new TrialQueue(store, store.OpenStorage(studyId), router, workers, studyLock);
        }
        catch
        {
            studyLock?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A cluster node's queue (a clustered store): jobs of every study, each run through the
    /// handler <paramref name="resolve"/> finds for its study (null: not runnable here).
    /// </summary>
    public static TrialQueue ForCluster(JobStoreOptions store, int workers, Func<long, CancellationToken, Task<ITrialJobHandler?>> resolve)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(resolve);
        if (!store.Clustered)
            throw new ArgumentException($"a cluster queue needs a clustered store; {store.Description} is not one", nameof(store));
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        return new TrialQueue(store, store.OpenStorage(0), new TrialJobRouter(resolve), workers, null);
    }

    /// <summary>Study <paramref name="studyId"/>'s view: what a driver queues into.</summary>
    public ITrialQueue Study(long studyId) => new StudyQueue(this, studyId);

    /// <summary>Serves study <paramref name="studyId"/>'s jobs with <paramref name="handler"/> from now on.</summary>
    public void Serve(long studyId, ITrialJobHandler handler) => _router.Add(studyId, handler);

    /// <summary>Starts this process's Hangfire server: jobs are delivered from now on.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_shutDown, this);
        _server ??= new BackgroundJobServer(_serverOptions, _storage);
    }

    private void Enqueue(long studyId, long trialId, int trialNumber)
    {
        _client.Create(Job.FromExpression<TrialJob>(j => j.RunAsync(studyId, trialId, trialNumber)), new EnqueuedState(JobStoreOptions.QueueName));
        // Committed: an idle worker of this process fetches it now rather than at its next poll.
        _wake?.Invoke();
    }

    /// <summary>
    /// Interrupts the running trials (their trainers get a stop line and checkpoint; their leases
    /// are released, so another process may resume them at once), waits for them, then stops the
    /// server. Idempotent.
    /// </summary>
    public async Task ShutdownAsync()
    {
        if (_shutDown)
            return;
        _shutDown = true;
        try
        {
            await _router.StopAsync().ConfigureAwait(false);
            if (_server is { } server)
            {
                server.SendStop();
                await Task.Run(server.Dispose).ConfigureAwait(false);
            }
        }
        finally
        {
            (_storage as IDisposable)?.Dispose();
            _lock?.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    private sealed class StudyQueue(TrialQueue queue, long studyId) : ITrialQueue
    {
        public Task EnqueueAsync(long trialId, int trialNumber, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            queue.Enqueue(studyId, trialId, trialNumber);
            return Task.CompletedTask;
        }
    }
}
