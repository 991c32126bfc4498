using System.Globalization;
using Hangfire;
using Hangfire.Storage.SQLite;

namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// Where Hangfire keeps the queue of trial jobs: a SQLite file per study beside the study
/// database (one host, one process per file), or Hangfire.PostgreSql in the cluster's database
/// (<see cref="Cluster.ClusterQueue"/>). The queue only delivers; the store decides who runs a trial.
/// </summary>
public sealed record JobStoreOptions
{
    /// <summary>The one Hangfire queue trial jobs go to.</summary>
    public const string QueueName = "trials";

    /// <summary>The file name suffix of a study's SQLite queue beside the study database.</summary>
    public const string SqliteSuffix = ".hangfire";

    private readonly Func<JobStoreOptions, long, OpenedQueue> _open;

    internal JobStoreOptions(string description, bool clustered, string? studyDatabasePath, Func<JobStoreOptions, long, OpenedQueue> open)
    {
        Description = description;
        Clustered = clustered;
        StudyDatabasePath = studyDatabasePath;
        _open = open;
    }

    /// <summary>What the store is, for messages ("SQLite queues beside /data/homm.db").</summary>
    public string Description { get; }

    /// <summary>Whether several processes share this queue (PostgreSQL); a SQLite queue has one process per study.</summary>
    public bool Clustered { get; }

    /// <summary>For SQLite queues: the study database, whose file (not name) a study's driver locks (<see cref="StudyLock"/>).</summary>
    public string? StudyDatabasePath { get; }

    /// <summary>This process's Hangfire server name (its node); null: host name and process id.</summary>
    public string? InstanceId { get; init; }

    /// <summary>
    /// How often an idle Hangfire worker looks for a job. SQLite: 100 ms (a queued trial starts
    /// within about 50 ms; one query per worker per interval on a local file). PostgreSQL
    /// long-polls (LISTEN/NOTIFY), so this is only its fallback.
    /// </summary>
    public TimeSpan QueuePollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// SQLite: whether this process's idle workers look at the queue as soon as this process
    /// queues a job (<see cref="WakingSqliteQueue"/>) rather than at their next poll. On by
    /// default; off only to measure what it saves (benchmarks/dispatch/run --no-wake).
    /// </summary>
    public bool WakeOnEnqueue { get; init; } = true;

    /// <summary>
    /// How long a fetched job is hidden from other workers before Hangfire delivers it again.
    /// SQLite: one process per file, so only a dead process's jobs are ever delivered again, and
    /// its next run queues every unfinished trial from the store anyway: 1 day. PostgreSQL: 5 s,
    /// kept alive while the job runs (sliding), so a killed node's jobs come back within seconds.
    /// Either way a second delivery is harmless: the store's claim decides.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The Hangfire storage study <paramref name="studyId"/>'s jobs live in, and how to wake its idle workers after queueing a job.</summary>
    internal OpenedQueue OpenStorage(long studyId) => _open(this, studyId);

    /// <summary>
    /// The Hangfire storage of study <paramref name="studyId"/>'s queue for reading (Hangfire's
    /// dashboard), or null when the study has no queue yet: a SQLite queue file is never created
    /// here. The caller disposes it.
    /// </summary>
    public JobStorage? OpenExisting(long studyId) =>
        StudyDatabasePath is { } db && !File.Exists(SqliteQueuePath(db, studyId)) ? null : _open(this, studyId).Storage;

    /// <summary>
    /// SQLite queues beside the study database <paramref name="studyDatabasePath"/>, one file per
    /// study (<c>homm.db</c> → <c>homm.db.study-3.hangfire</c>, named after the database's real
    /// path). Why beside and not inside: docs/architecture.md, "Decisions".
    /// </summary>
    public static JobStoreOptions SqliteBeside(string studyDatabasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyDatabasePath);
        var full = Path.GetFullPath(studyDatabasePath);
        return new JobStoreOptions($"SQLite queues beside {full}", clustered: false, full, static (options, studyId) =>
        {
            var file = SqliteQueuePath(options.StudyDatabasePath!, studyId);
            var sqlite = new SQLiteStorageOptions
            {
                QueuePollInterval = options.QueuePollInterval,
                InvisibilityTimeout = options.InvisibilityTimeout,
            };
            var storage = new SQLiteStorage(new SQLiteDbConnectionFactory(() => Connect(file)), sqlite);
            var waking = new WakingSqliteQueue(sqlite);
            storage.QueueProviders.Add(waking, [QueueName]);
            return new OpenedQueue(storage, options.WakeOnEnqueue ? waking.Wake : null);
        });
    }

    /// <summary>
    /// A connection to a queue file as Hangfire.Storage.SQLite opens one, but with
    /// <c>synchronous=NORMAL</c> (the file is in WAL mode): a commit then survives the process's
    /// death, only not the machine's, and costs no fsync — a delivery writes a dozen small
    /// transactions (job, parameters, states, locks). A queue lost with the machine is rebuilt
    /// from the store: the next run queues every unfinished trial again.
    /// </summary>
    private static SQLite.SQLiteConnection Connect(string file)
    {
        var connection = new SQLite.SQLiteConnection(file,
            SQLite.SQLiteOpenFlags.ReadWrite | SQLite.SQLiteOpenFlags.Create | SQLite.SQLiteOpenFlags.NoMutex, storeDateTimeAsTicks: true)
        {
            BusyTimeout = TimeSpan.FromSeconds(10),
        };
        connection.Execute("PRAGMA synchronous=NORMAL");
        return connection;
    }

    /// <summary>The SQLite queue file of study <paramref name="studyId"/> of the database <paramref name="studyDatabasePath"/>.</summary>
    public static string SqliteQueuePath(string studyDatabasePath, long studyId)
    {
        var full = Path.GetFullPath(studyDatabasePath);
        // The real path: a symlinked database shares its queue files with its target.
        var real = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        return string.Create(CultureInfo.InvariantCulture, $"{real}.study-{studyId}{SqliteSuffix}");
    }
}

/// <summary>A study's Hangfire storage and, where the storage polls, how to wake this process's idle workers.</summary>
internal sealed record OpenedQueue(JobStorage Storage, Action? Wake);
