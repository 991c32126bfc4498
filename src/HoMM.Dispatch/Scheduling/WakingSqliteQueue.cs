using Hangfire.Storage;
using Hangfire.Storage.SQLite;

namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// Hangfire.Storage.SQLite's job queue with a wake-up: an idle worker polls the queue file every
/// <see cref="JobStoreOptions.QueuePollInterval"/>, so a job queued just after its last look waited
/// up to a whole interval (with polling only a trial's dispatch cost 201 ms at a load where it
/// now costs 121 ms: docs/benchmarks.md, "Dispatch"). A SQLite queue has one
/// process per file, and that process queues its own jobs: after each job it queues
/// (<see cref="Wake"/>), its idle workers look again at once. The polling stays as the fallback,
/// so a missed wake-up costs at most the interval it cost before; the store still decides who
/// runs a trial whichever worker fetches the job.
/// </summary>
internal sealed class WakingSqliteQueue(SQLiteStorageOptions options) : IPersistentJobQueueProvider
{
    private readonly SQLiteJobQueueProvider _inner = new(options);
    private readonly Lock _gate = new();
    private CancellationTokenSource _wake = new();

    /// <summary>Wakes every worker waiting for a job now; call it after a job was queued (committed).</summary>
    public void Wake()
    {
        CancellationTokenSource woken;
        lock (_gate)
        {
            woken = _wake;
            _wake = new CancellationTokenSource();
        }
        // Not disposed: a worker may be linking to its token right now; nothing else holds it.
        woken.Cancel();
    }

    private CancellationToken Next()
    {
        lock (_gate)
            return _wake.Token;
    }

    public IPersistentJobQueue GetJobQueue(HangfireDbContext connection) => new Queue(this, _inner.GetJobQueue(connection));

    public IPersistentJobQueueMonitoringApi GetJobQueueMonitoringApi(HangfireDbContext connection) => _inner.GetJobQueueMonitoringApi(connection);

    private sealed class Queue(WakingSqliteQueue owner, IPersistentJobQueue inner) : IPersistentJobQueue
    {
        public IFetchedJob Dequeue(string[] queues, CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Taken before the queue is read: a job queued after this wakes this fetch, one
                // queued before it is found by the read.
                var wake = owner.Next();
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wake);
                try
                {
                    return inner.Dequeue(queues, either.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Woken: a job was queued; read the queue again at once.
                }
            }
        }

        public void Enqueue(string queue, string jobId) => inner.Enqueue(queue, jobId);
    }
}
