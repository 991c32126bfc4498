using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using HoMM.Storage.Relational;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace HoMM.Storage.Sqlite;

/// <summary>
/// The store in one SQLite file (the default <c>homm.db</c>): any number of threads and
/// processes on one machine may use it at once. WAL mode lets readers (the dashboard) run while
/// a worker writes; writers queue on SQLite's lock for up to <see cref="SqliteStoreOptions.BusyTimeout"/>
/// instead of failing with "database is locked". Open it with <see cref="OpenAsync"/>.
/// </summary>
public sealed class SqliteTrialStore : RelationalTrialStore
{
    /// <summary>
    /// One queue of writers per database file and process. SQLite admits one writer at a time;
    /// a writer that finds the lock taken sleeps in SQLite's busy handler (1, 2, 5, 10… ms) and
    /// polls again, which wastes most of the time when threads of one process contend. Queued
    /// here, the next writer starts the moment the previous one commits; the busy handler then
    /// only arbitrates between processes.
    /// </summary>
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string connectionString;
    private readonly SemaphoreSlim writeGate;
    private readonly TimeSpan busyTimeout;
    private bool readOnly;
    private SqliteNameLock? nameLock;

    private SqliteTrialStore(string path, string connectionString, TimeSpan busyTimeout, DbContextOptions<StoreDbContext> options, TimeProvider timeProvider)
        : base(options, timeProvider)
    {
        Path = path;
        this.connectionString = connectionString;
        this.busyTimeout = busyTimeout;
        writeGate = WriteGates.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    private protected override string DatabaseDescription => $"SQLite database {Path}";

    /// <summary>
    /// Opens (creating it, and its folder, when missing) the database at <paramref name="path"/>,
    /// switches it to WAL mode, and creates or checks its schema.
    /// </summary>
    /// <exception cref="StoreSchemaException">The file was written by a newer homm-search, or by another program.</exception>
    /// <exception cref="StoreInUseException">Another process writes the file through another name (a hard link).</exception>
    public static async Task<SqliteTrialStore> OpenAsync(
        string path,
        SqliteStoreOptions? options = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new SqliteStoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BusyTimeout, TimeSpan.FromMilliseconds(1), nameof(options));

        var fullPath = System.IO.Path.GetFullPath(path);
        if (!options.ReadOnly && System.IO.Path.GetDirectoryName(fullPath) is { Length: > 0 } dir)
            Directory.CreateDirectory(dir);

        string[] pragmas =
        [
            string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}"),
            $"PRAGMA synchronous = {options.Synchronous.ToString().ToUpperInvariant()}",
        ];
        if (!options.ReadOnly && !options.CreateSchema)
        {
            // Prove the schema is there without writing (switching to WAL would write an empty file's header).
            using var check = await OpenAsync(fullPath, options with { ReadOnly = true }, timeProvider, cancellationToken);
        }
        var connectionString = ConnectionString(fullPath, options);
        if (!options.ReadOnly)
        {
            // A writer must not add to a damaged file (every write could spread the damage):
            // check its pages first, read-only, so a damaged file is left exactly as it was.
            if (new FileInfo(fullPath) is { Exists: true, Length: > 0 })
                await QuickCheckAsync(fullPath, options, cancellationToken);
            // Before SQLite writes anything: no other process may be writing this file through another name.
            if (options.CreateSchema)
            {
                // Never truncating: another process may be creating the same file right now.
                using (new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
                {
                }
            }
            var nameLock = SqliteNameLock.Acquire(fullPath);
            try
            {
                await EnableWalAsync(fullPath, connectionString, pragmas, cancellationToken);
                var store = await CreateAsync(fullPath, connectionString, pragmas, options, timeProvider, cancellationToken);
                store.nameLock = nameLock;
                return store;
            }
            catch
            {
                nameLock.Dispose();
                throw;
            }
        }
        try
        {
            return await CreateAsync(fullPath, connectionString, pragmas, options, timeProvider, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == CantOpen && File.Exists(fullPath))
        {
            // A WAL database on a read-only disk (an archived study): SQLite cannot create the
            // shared-memory file a reader needs, so read it as immutable, which needs none.
            SqliteConnection.ClearPool(new SqliteConnection(connectionString));
            var immutable = new SqliteConnectionStringBuilder(connectionString) { DataSource = new Uri(fullPath).AbsoluteUri + "?immutable=1" }.ToString();
            return await CreateAsync(fullPath, immutable, pragmas, options, timeProvider, cancellationToken);
        }
    }

    private const int CantOpen = 14;

    /// <summary>
    /// PRAGMA quick_check on a read-only connection: every page's structure, in time linear in the
    /// file's size (a 100 MB database takes well under a second), without the index cross-checks
    /// of integrity_check.
    /// </summary>
    /// <exception cref="StoreDamagedException">The check reports errors, or cannot read a page.</exception>
    private static async Task QuickCheckAsync(string path, SqliteStoreOptions options, CancellationToken cancellationToken)
    {
        var readOnly = new SqliteConnectionStringBuilder(ConnectionString(path, options with { ReadOnly = true })) { Pooling = false }.ToString();
        var problems = new List<string>();
        try
        {
            await using var connection = new SqliteConnection(readOnly);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check(3)";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                problems.Add(reader.GetString(0));
        }
        catch (SqliteException e) when (StoreDamagedException.IsDamage(e))
        {
            throw new StoreDamagedException(path, e.Message, e);
        }
        if (problems is not ["ok"])
            throw new StoreDamagedException(path, "quick_check: " + string.Join("; ", problems));
    }

    private static async Task<SqliteTrialStore> CreateAsync(
        string fullPath, string connectionString, string[] pragmas, SqliteStoreOptions options, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        var dbOptions = new DbContextOptionsBuilder<StoreDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmaInterceptor(pragmas))
            .Options;
        var store = new SqliteTrialStore(fullPath, connectionString, options.BusyTimeout, dbOptions, timeProvider ?? TimeProvider.System)
        {
            readOnly = options.ReadOnly,
        };
        try
        {
            await store.InitializeAsync(cancellationToken, options.CreateSchema && !options.ReadOnly);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>The connection string the store uses for <paramref name="path"/> (for tools that share the file).</summary>
    public static string ConnectionString(string path, SqliteStoreOptions? options = null) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.GetFullPath(path),
            Mode = options switch
            {
                { ReadOnly: true } => SqliteOpenMode.ReadOnly,
                { CreateSchema: false } => SqliteOpenMode.ReadWrite,
                _ => SqliteOpenMode.ReadWriteCreate,
            },
            Pooling = true,
            // Microsoft.Data.Sqlite's own retry on SQLITE_BUSY, behind SQLite's busy_timeout.
            DefaultTimeout = (int)Math.Ceiling((options ?? new SqliteStoreOptions()).BusyTimeout.TotalSeconds),
        }.ToString();

    private static async Task EnableWalAsync(string path, string connectionString, IReadOnlyList<string> pragmas, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var pragma in pragmas)
        {
            // busy_timeout first: switching to WAL needs a moment of exclusive access.
            await using var setup = connection.CreateCommand();
            setup.CommandText = pragma;
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"SQLite could not switch {path} to WAL mode (it stayed in '{mode}' mode), which parallel workers need. " +
                "WAL does not work on network file systems: put the database on a local disk, or use PostgreSQL.");
        }
    }

    private protected override bool IsReadOnly => readOnly;

    private protected override async ValueTask<IDisposable?> EnterWriteGateAsync(CancellationToken cancellationToken)
    {
        if (!await writeGate.WaitAsync(busyTimeout, cancellationToken))
        {
            throw new TimeoutException(
                $"another writer of this process has held {Path} for more than {busyTimeout.TotalSeconds:F0} s; " +
                "a write is stuck (or a debugger paused it). Raise SqliteStoreOptions.BusyTimeout only if writes are legitimately that slow.");
        }
        return new GateRelease(writeGate);
    }

    private sealed class GateRelease(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
                gate.Release();
        }
    }

    private protected override async Task<IDbContextTransaction> BeginWriteAsync(StoreDbContext db, CancellationToken cancellationToken) =>
        // Serializable makes Microsoft.Data.Sqlite issue BEGIN IMMEDIATE: the write lock is taken
        // (waiting up to busy_timeout) before the first read, so a transaction that reads then
        // writes never fails halfway with SQLITE_BUSY.
        await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);

    private protected override async Task<IReadOnlySet<string>> GetTableNamesAsync(StoreDbContext db, CancellationToken cancellationToken)
    {
        var names = await db.Database
            .SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table'")
            .ToListAsync(cancellationToken);
        return names.ToHashSet(StringComparer.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            using var connection = new SqliteConnection(connectionString);
            SqliteConnection.ClearPool(connection);
            nameLock?.Dispose();
        }
        base.Dispose(disposing);
    }
}
