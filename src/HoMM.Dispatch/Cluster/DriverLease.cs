using System.Text.Json;
using HoMM.Storage;
using HoMM.Storage.Postgres;
using Npgsql;

namespace HoMM.Dispatch.Cluster;

/// <summary>
/// The right to drive one study of a cluster: a PostgreSQL session-level advisory lock held on a
/// connection of its own for as long as the driver runs. The server drops it when that
/// connection ends, kill -9 of the driver's process included, so a worker can then take the
/// study over (<see cref="SystemAttrs.ClusterDriving"/> says the study still wants a driver).
/// </summary>
public sealed class DriverLease : IAsyncDisposable
{
    // Two-key advisory locks: this constant and the study id ("hmdr").
    private const int LockSpace = 0x686D6472;

    private readonly NpgsqlConnection connection;

    private DriverLease(NpgsqlConnection connection) => this.connection = connection;

    /// <summary>Takes the lease of study <paramref name="studyId"/> if no one holds it; null when someone does.</summary>
    public static async Task<DriverLease?> TryAcquireAsync(string connection, long studyId, CancellationToken cancellationToken = default)
    {
        var builder = PostgresConnectionString.Parse(connection);
        // Not pooled: a pooled connection would keep the lock after the lease is disposed. TCP
        // keepalive lets the server notice a driver host that vanished without closing the socket.
        builder.Pooling = false;
        builder.KeepAlive = 5;
        builder.TcpKeepAlive = true;
        var db = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await db.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@space, @study)", db);
            command.Parameters.AddWithValue("space", LockSpace);
            command.Parameters.AddWithValue("study", checked((int)studyId));
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                return new DriverLease(db);
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await db.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Whether the study asks for a driver (<see cref="SystemAttrs.ClusterDriving"/> is true).</summary>
    public static async Task<bool> WantsDriverAsync(ITrialStore store, long studyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var attrs = await store.GetStudyAttrsAsync(studyId, AttrScope.System, cancellationToken).ConfigureAwait(false);
        return attrs.TryGetValue(SystemAttrs.ClusterDriving, out var v) && v.ValueKind == JsonValueKind.True;
    }

    /// <summary>Records whether the study asks for a driver.</summary>
    public static Task SetWantsDriverAsync(ITrialStore store, long studyId, bool value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.SetStudyAttrAsync(studyId, AttrScope.System, SystemAttrs.ClusterDriving, JsonSerializer.SerializeToElement(value), cancellationToken);
    }

    /// <summary>Releases the lease (closing its connection).</summary>
    public async ValueTask DisposeAsync() => await connection.DisposeAsync().ConfigureAwait(false);
}
