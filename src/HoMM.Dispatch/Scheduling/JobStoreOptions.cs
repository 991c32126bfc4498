using Microsoft.Data.Sqlite;
using Quartz;

namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// Where Quartz keeps the queue of trial attempts. The seam for a clustered store: a PostgreSQL
/// store is another <see cref="Configure"/> (<c>UsePostgres</c> + <c>UseClustering</c>) with
/// <see cref="Clustered"/> set, and nothing else in dispatch changes.
/// </summary>
/// <param name="Description">What the store is, for messages ("SQLite file /data/homm.db.quartz").</param>
/// <param name="Configure">Applies the store to Quartz's persistent-store builder.</param>
/// <param name="Clustered">Whether several processes share this queue (Quartz clustering). A
/// non-clustered store must have one process only: <see cref="TrialScheduler"/> then holds an
/// exclusive lock next to it.</param>
/// <param name="ExclusiveLockPath">For a non-clustered file store: the lock file that keeps a second
/// process off the queue; null for a clustered store.</param>
public sealed record JobStoreOptions(
    string Description,
    Action<IPersistentStoreBuilder> Configure,
    bool Clustered,
    string? ExclusiveLockPath)
{
    /// <summary>
    /// This process's id in a clustered store (Quartz's InstanceId): stable per node across restarts,
    /// unique among the nodes (a node restarted under the same id recovers its own firings at once;
    /// the others recover a dead node's firings after its check-in lapses). Null: Quartz's default.
    /// </summary>
    public string? InstanceId { get; init; }

    /// <summary>The file name suffix of the SQLite queue beside a study database.</summary>
    public const string SqliteSuffix = ".quartz";

    /// <summary>
    /// A SQLite queue in its own file beside the study database <paramref name="studyDatabasePath"/>
    /// (<c>homm.db</c> → <c>homm.db.quartz</c>). Why beside and not inside: docs/architecture.md, "Decisions".
    /// </summary>
    public static JobStoreOptions SqliteBeside(string studyDatabasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyDatabasePath);
        return Sqlite(Path.GetFullPath(studyDatabasePath) + SqliteSuffix);
    }

    /// <summary>A SQLite queue in <paramref name="path"/>; its schema is created when missing.</summary>
    public static JobStoreOptions Sqlite(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var connection = $"Data Source={full};Default Timeout=30";
        return new($"SQLite file {full}", store =>
        {
            UseWriteAheadLog(full);
            store.UseSqlite(connection);
            store.ProvisionSchema();
        }, Clustered: false, ExclusiveLockPath: full + ".lock");
    }

    /// <summary>
    /// Switches the queue file to WAL before Quartz opens it (the mode is stored in the file): in the
    /// default rollback-journal mode each of the several commits a trial's job makes costs three
    /// fsyncs instead of one, a large part of the per-trial dispatch overhead.
    /// </summary>
    private static void UseWriteAheadLog(string path)
    {
        var dir = Path.GetDirectoryName(path);
        if (dir is not null)
            Directory.CreateDirectory(dir);
        using var connection = new SqliteConnection($"Data Source={path};Default Timeout=30");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        command.ExecuteNonQuery();
    }
}
