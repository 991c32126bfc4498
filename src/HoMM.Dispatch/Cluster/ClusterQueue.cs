using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using HoMM.Dispatch.Scheduling;
using HoMM.Storage.Postgres;
using Npgsql;

namespace HoMM.Dispatch.Cluster;

/// <summary>
/// The queue of trial jobs shared by every node of a cluster: Hangfire.PostgreSql in the study's
/// PostgreSQL database (schema <see cref="Schema"/>, beside homm-search's tables). Options and why
/// (measured in the Hangfire spike, docs/architecture.md): sliding invisibility, so a running job
/// is never delivered again while its node lives, and a killed node's job comes back after
/// <see cref="InvisibilityTimeout"/>; long polling, so a queued trial starts within about 50 ms;
/// the schema installed once under an advisory lock, never by each node at start-up (nodes
/// starting together otherwise race on it). Who runs a trial is still the store's decision.
/// </summary>
public static class ClusterQueue
{
    /// <summary>The PostgreSQL schema of Hangfire's tables.</summary>
    public const string Schema = "hangfire";

    /// <summary>How long a fetched job of a dead node stays hidden (kept alive while the job runs).</summary>
    public static readonly TimeSpan InvisibilityTimeout = TimeSpan.FromSeconds(5);

    // Not the store's schema lock: the two schemas are created independently.
    private const long SchemaLockKey = 0x68666972; // "hfir"

    /// <summary>
    /// The clustered queue in the PostgreSQL database <paramref name="connection"/> names, for the
    /// node <paramref name="nodeId"/> (its Hangfire server name). Installs Hangfire's schema on
    /// first use (under an advisory lock: nodes may start together).
    /// </summary>
    public static async Task<JobStoreOptions> PostgresAsync(string connection, string nodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        var builder = PostgresConnectionString.Parse(connection);
        await EnsureSchemaAsync(builder.ConnectionString, cancellationToken).ConfigureAwait(false);
        return Options(builder, nodeId);
    }

    /// <summary>
    /// The clustered queue for reading only (Hangfire's dashboard), or null when no node has
    /// installed Hangfire's schema yet: nothing is created or migrated.
    /// </summary>
    public static async Task<JobStoreOptions?> ExistingAsync(string connection, CancellationToken cancellationToken = default)
    {
        var builder = PostgresConnectionString.Parse(connection);
        await using var db = new NpgsqlConnection(builder.ConnectionString);
        await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var probe = new NpgsqlCommand($"SELECT to_regclass('{Schema}.job') IS NOT NULL", db);
        return await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true ? Options(builder, "dashboard") : null;
    }

    private static JobStoreOptions Options(NpgsqlConnectionStringBuilder builder, string nodeId)
    {
        var connectionString = builder.ConnectionString;
        return new JobStoreOptions($"PostgreSQL queue in database {builder.Database}", clustered: true, studyDatabasePath: null, (options, _) =>
        {
            var storage = new PostgreSqlStorageOptions
            {
                SchemaName = Schema,
                PrepareSchemaIfNecessary = false,
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = options.InvisibilityTimeout,
                EnableLongPolling = true,
                QueuePollInterval = options.QueuePollInterval,
            };
            // Long polling (LISTEN/NOTIFY) already wakes the nodes' workers.
            return new OpenedQueue(new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storage), storage), null);
        })
        {
            InstanceId = nodeId,
            InvisibilityTimeout = InvisibilityTimeout,
            QueuePollInterval = TimeSpan.FromMilliseconds(500),
        };
    }

    private static async Task EnsureSchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({SchemaLockKey})", connection))
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Idempotent: it reads the installed version and applies only what is missing.
            PostgreSqlObjectsInstaller.Install(connection, Schema);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({SchemaLockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
