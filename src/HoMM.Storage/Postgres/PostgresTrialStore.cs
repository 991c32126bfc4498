using System.Data;
using System.Net.Sockets;
using HoMM.Storage.Relational;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace HoMM.Storage.Postgres;

/// <summary>
/// The store in a PostgreSQL database, for several machines working on one study. Any number of
/// processes on any number of hosts may use it at once. Writes to a study's trials queue on the
/// study row's lock (see <see cref="RelationalTrialStore"/>), so trial numbers stay dense and
/// state changes are compare-and-set. Open it with <see cref="OpenAsync"/>.
/// </summary>
public sealed class PostgresTrialStore : RelationalTrialStore
{
    /// <summary>The advisory-lock key that serialises schema creation and upgrades across every
    /// process using the database (an arbitrary constant: "homm" in ASCII).</summary>
    private const long SchemaLockKey = 0x686F6D6D;

    private readonly string connectionString;

    private PostgresTrialStore(string connectionString, string description, DbContextOptions<StoreDbContext> options, TimeProvider timeProvider)
        : base(options, timeProvider)
    {
        this.connectionString = connectionString;
        Description = description;
    }

    /// <summary>"PostgreSQL database homm on db1:5432 as homm" (no password).</summary>
    public string Description { get; }

    private protected override string DatabaseDescription => Description;

    /// <summary>
    /// Connects to the database named by <paramref name="connection"/> (a <c>postgres://</c> URL
    /// or a <c>Host=…;</c> string; see <see cref="PostgresConnectionString"/>) and creates or
    /// checks its schema. The database itself must exist.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    /// <exception cref="StoreConnectionException">The server cannot be reached, refuses the login, or has no such database.</exception>
    /// <exception cref="StoreSchemaException">The database was written by a newer homm-search, or by another program.</exception>
    /// <exception cref="StoreEmptyException"><see cref="PostgresStoreOptions.CreateSchema"/> is false and the database has no homm-search tables.</exception>
    public static async Task<PostgresTrialStore> OpenAsync(
        string connection,
        PostgresStoreOptions? options = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new PostgresStoreOptions();
        var builder = PostgresConnectionString.Parse(connection);
        var connectionString = builder.ConnectionString;
        var description = PostgresConnectionString.Describe(builder);
        var dbOptions = new DbContextOptionsBuilder<StoreDbContext>()
            .UseNpgsql(connectionString)
            .Options;
        var store = new PostgresTrialStore(connectionString, description, dbOptions, timeProvider ?? TimeProvider.System);
        try
        {
            await store.InitializeAsync(cancellationToken, options.CreateSchema);
            return store;
        }
        catch (Exception ex) when (Explain(ex, builder, description) is { } explained)
        {
            store.Dispose();
            throw explained;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>A message that says what to do for the usual reasons a first connection fails; null for others.</summary>
    private static StoreConnectionException? Explain(Exception ex, NpgsqlConnectionStringBuilder builder, string description)
    {
        // EF wraps what Npgsql throws (e.g. "likely due to a transient failure"): look down the chain.
        var chain = new List<Exception>();
        for (var e = ex; e is not null; e = e.InnerException)
            chain.Add(e);
        var postgres = chain.OfType<PostgresException>().FirstOrDefault();
        var socket = chain.OfType<SocketException>().FirstOrDefault();
        var message = postgres?.SqlState switch
        {
            PostgresErrorCodes.InvalidCatalogName =>
                $"{description} does not exist. Create it once (e.g. `createdb -h {builder.Host} -p {builder.Port} -U <admin> -O {builder.Username} {builder.Database}`), then run this again.",
            PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                $"{description}: the server refused the login ({postgres.MessageText}). Check the user and password in --db (a password with special characters must be %-encoded in a postgres:// URL).",
            PostgresErrorCodes.InsufficientPrivilege =>
                $"{description}: the user may not create homm-search's tables ({postgres.MessageText}). Grant it CREATE on the database's schema, or let the owner run homm-search once.",
            _ => null,
        };
        if (message is null && socket is not null)
        {
            message = $"cannot reach the PostgreSQL server at {builder.Host}:{builder.Port} ({socket.Message}). " +
                "Check that it runs, listens on that address (listen_addresses in postgresql.conf) and that no firewall is in between.";
        }
        return message is null ? null : new StoreConnectionException(message, ex);
    }

    private protected override async Task<IDbContextTransaction> BeginWriteAsync(StoreDbContext db, CancellationToken cancellationToken) =>
        // Read committed is enough: every write first updates the study row (or relies on a unique
        // index), and PostgreSQL re-reads a row it waited for, so the check inside the transaction
        // sees the writer that went before.
        await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    private protected override async Task LockSchemaAsync(StoreDbContext db, CancellationToken cancellationToken) =>
        // Released by the transaction's end. Nodes starting together wait here; the first creates
        // the tables, the others then find them.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SchemaLockKey})", cancellationToken);

    private protected override async Task<IReadOnlySet<string>> GetTableNamesAsync(StoreDbContext db, CancellationToken cancellationToken)
    {
        var names = await db.Database
            .SqlQueryRaw<string>("SELECT table_name::text AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema()")
            .ToListAsync(cancellationToken);
        return names.ToHashSet(StringComparer.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
        base.Dispose(disposing);
    }
}
