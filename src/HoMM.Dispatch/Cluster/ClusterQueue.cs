using HoMM.Dispatch.Scheduling;
using HoMM.Storage.Postgres;
using Npgsql;
using Quartz;

namespace HoMM.Dispatch.Cluster;

/// <summary>
/// The queue of trial attempts shared by every node of a cluster: Quartz.NET's clustered job
/// store in the study's PostgreSQL database (its <c>qrtz_</c> tables beside homm-search's).
/// Each node checks in every <see cref="CheckinInterval"/>; a node silent for longer than
/// <see cref="CheckinMisfireThreshold"/> is declared dead and its running attempts (jobs stored
/// with RequestRecovery) fire again on a live node.
/// </summary>
public static class ClusterQueue
{
    /// <summary>How often a node records that it is alive in the queue. A killed node is noticed up
    /// to one interval after its last check-in plus one interval of the noticing node, so the
    /// interval is what keeps a restart within the 10 s the cluster promises on a loaded machine
    /// (measurements: docs/architecture.md, cluster decision).</summary>
    public static readonly TimeSpan CheckinInterval = TimeSpan.FromMilliseconds(1500);

    /// <summary>How late a check-in may be before the others recover the node's jobs. Kept well
    /// above the interval: a live node declared dead by mistake would have its trials run twice.
    /// A killed node's attempts restart elsewhere within about 4–7 s.</summary>
    public static readonly TimeSpan CheckinMisfireThreshold = TimeSpan.FromMilliseconds(2500);

    // Not the store's schema lock: the two schemas are created independently.
    private const long SchemaLockKey = 0x716D7274; // "qmrt"
    private const string TablePrefix = "qrtz_";
    private const string SchemaResource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    /// <summary>
    /// The clustered queue in the PostgreSQL database <paramref name="connection"/> names, for the
    /// node <paramref name="nodeId"/> (stable across restarts of this node, unique in the cluster).
    /// Creates Quartz's tables on first use (under an advisory lock: nodes may start together).
    /// </summary>
    public static async Task<JobStoreOptions> PostgresAsync(string connection, string nodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        var builder = PostgresConnectionString.Parse(connection);
        var connectionString = builder.ConnectionString;
        await EnsureSchemaAsync(connectionString, cancellationToken).ConfigureAwait(false);
        // The description names the scheduler (TrialScheduler hashes it), so it must read the same
        // on every node: the database's name, not the host name each node reaches it by.
        return new JobStoreOptions($"PostgreSQL queue in database {builder.Database}", store =>
        {
            store.UsePostgres(connectionString); // Quartz's default table prefix, QRTZ_ (qrtz_ unquoted)
            store.UseClustering(c =>
            {
                c.CheckinInterval = CheckinInterval;
                c.CheckinMisfireThreshold = CheckinMisfireThreshold;
            });
        }, Clustered: true, ExclusiveLockPath: null)
        {
            InstanceId = nodeId,
        };
    }

    private static async Task EnsureSchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockKey})", connection, tx))
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('qrtz_locks') IS NOT NULL", connection, tx))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                return;
        }
        // Quartz ships the script its own provisioning runs: statements separated by "--;;" lines,
        // {0} and {1} the table prefix. Run here instead, under our lock: two nodes creating the
        // same table at once can fail even with IF NOT EXISTS.
        await using var stream = typeof(IScheduler).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"Quartz {typeof(IScheduler).Assembly.GetName().Version} has no resource {SchemaResource}; its PostgreSQL schema cannot be created");
        using var reader = new StreamReader(stream);
        var script = (await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false))
            .Replace("{0}", TablePrefix, StringComparison.Ordinal)
            .Replace("{1}", TablePrefix, StringComparison.Ordinal);
        foreach (var statement in script.Split("\n--;;", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var create = new NpgsqlCommand(statement, connection, tx);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
