using System.CommandLine;
using HoMM.Storage;
using HoMM.Storage.Postgres;
using HoMM.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HoMM.Cli.Common;

/// <summary>Which database a <c>--db</c> value names.</summary>
public enum StoreKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>Whether a command may create the database. Read-only commands (status, trials, export,
/// report, dashboard) must not leave an empty <c>homm.db</c> behind when the user mistyped a path.</summary>
public enum StoreAccess
{
    /// <summary>Only reads (status, trials, export, report): the database must exist with its schema; nothing is written (a read-only disk is fine).</summary>
    ReadOnly,

    /// <summary>The database must already exist with its schema, which is never created or migrated; data may be written (the dashboard's actions).</summary>
    ExistingOnly,

    /// <summary>A missing SQLite file (and its folder) is created.</summary>
    CreateIfMissing,
}

/// <summary>A parsed <c>--db</c> value: a SQLite file (full path) or a PostgreSQL connection.</summary>
/// <param name="Kind">SQLite or PostgreSQL.</param>
/// <param name="Value">The full path of the SQLite file, or the connection as given.</param>
public sealed record StoreLocation(StoreKind Kind, string Value)
{
    /// <summary>What to show the user: the path, or the connection without its password.</summary>
    public string Display => Kind == StoreKind.Sqlite ? Value : StoreOpener.HidePassword(Value);

    public override string ToString() => Display;
}

/// <summary>An open store and where it is; disposing it closes the store.</summary>
public sealed class OpenedStore(ITrialStore store, StoreLocation location) : IDisposable
{
    public ITrialStore Store { get; } = store;

    public StoreLocation Location { get; } = location;

    public StoreKind Kind => Location.Kind;

    public void Dispose() => (Store as IDisposable)?.Dispose();
}

/// <summary>The database could not be opened; <see cref="Exception.Message"/> says why and what to do.</summary>
public sealed class StoreOpenException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// The one place where a <c>--db</c> value becomes an <see cref="ITrialStore"/> (contracts.md §1):
/// a SQLite file path (default <see cref="DefaultSqlitePath"/> in the current directory), or a
/// PostgreSQL connection (<c>postgres://…</c>, <c>postgresql://…</c> or <c>Host=…;…</c>). Every
/// command that reads or writes a study takes its option from <see cref="CreateDbOption"/> and
/// opens the store here, so all commands accept the same values.
/// </summary>
public static class StoreOpener
{
    public const string DefaultSqlitePath = "homm.db";

    /// <summary>Exit code of a command whose database could not be opened.</summary>
    public const int ExitStoreError = 4;

    /// <summary>A new <c>--db</c> option (one instance per command: System.CommandLine options have one parent).</summary>
    public static Option<string> CreateDbOption() => new("--db")
    {
        Description = $"the database: a SQLite file (default {DefaultSqlitePath} in the current directory) " +
            "or a PostgreSQL connection (postgres://user:pass@host/db or \"Host=...;Database=...\")",
        DefaultValueFactory = _ => DefaultSqlitePath,
        HelpName = "path|connection",
    };

    /// <summary>Tells a SQLite path from a PostgreSQL connection. Null or blank means the default file.</summary>
    public static StoreLocation Parse(string? db)
    {
        var value = string.IsNullOrWhiteSpace(db) ? DefaultSqlitePath : db.Trim();
        if (PostgresConnectionString.IsPostgres(value))
            return new StoreLocation(StoreKind.PostgreSql, value);
        try
        {
            return new StoreLocation(StoreKind.Sqlite, Path.GetFullPath(value));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new StoreOpenException($"--db '{value}' is neither a usable file path nor a PostgreSQL connection: {e.Message}", e);
        }
    }

    /// <summary>
    /// Opens the store <paramref name="db"/> names. With <see cref="StoreAccess.ExistingOnly"/> a
    /// missing SQLite file is an error and nothing is created.
    /// </summary>
    /// <exception cref="StoreOpenException">Missing file, not a HoMM database, or PostgreSQL not available.</exception>
    public static async Task<OpenedStore> OpenAsync(
        string? db,
        StoreAccess access,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        var location = Parse(db);
        var store = location.Kind switch
        {
            StoreKind.Sqlite => await OpenSqliteAsync(location.Value, access, timeProvider, cancellationToken),
            StoreKind.PostgreSql => await OpenPostgresAsync(location, access, timeProvider, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(db), location.Kind, "unknown store kind"),
        };
        return new OpenedStore(store, location);
    }

    private static async Task<ITrialStore> OpenSqliteAsync(string path, StoreAccess access, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
            throw new StoreOpenException($"--db {path} is a folder; give the database file, e.g. --db {Path.Combine(path, DefaultSqlitePath)}");
        if (access != StoreAccess.CreateIfMissing && !File.Exists(path))
        {
            throw new StoreOpenException(
                $"no database at {path}: run a study first (homm-search run <study.yaml> --db {path}), " +
                "or point --db at the database a run wrote (default: homm.db in the directory it ran in)");
        }
        try
        {
            // A reader opens the file read-only: a mistyped --db (an empty or text file) stays as it was.
            var options = new SqliteStoreOptions { ReadOnly = access == StoreAccess.ReadOnly, CreateSchema = access == StoreAccess.CreateIfMissing };
            return await SqliteTrialStore.OpenAsync(path, options, timeProvider, cancellationToken);
        }
        catch (StoreEmptyException e)
        {
            throw new StoreOpenException($"{e.Message}: run a study first (homm-search run <study.yaml> --db {path}), or check the path", e);
        }
        catch (StoreSchemaException e)
        {
            throw new StoreOpenException($"{path} is not a HoMM Search database this version can read: {e.Message}", e);
        }
        catch (Exception e) when (StoreDamagedException.IsDamage(e))
        {
            throw new StoreOpenException(Damaged(path, e), e);
        }
        catch (SqliteException e)
        {
            throw new StoreOpenException($"cannot open SQLite database {path}: {e.Message}", e);
        }
        catch (StoreInUseException e)
        {
            throw new StoreOpenException(e.Message, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StoreOpenException($"cannot open SQLite database {path}: {e.Message} (check the file's and folder's permissions)", e);
        }
    }

    private static async Task<ITrialStore> OpenPostgresAsync(StoreLocation location, StoreAccess access, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            // ExistingOnly: an empty database is reported, not filled with empty tables.
            var options = new PostgresStoreOptions { CreateSchema = access == StoreAccess.CreateIfMissing };
            return await PostgresTrialStore.OpenAsync(location.Value, options, timeProvider, cancellationToken);
        }
        catch (StoreEmptyException e)
        {
            throw new StoreOpenException($"{e.Message}: run a study first (homm-search run <study.yaml> --db {location.Display}), or check the database name", e);
        }
        catch (StoreSchemaException e)
        {
            throw new StoreOpenException($"{location.Display} is not a HoMM Search database this version can read: {e.Message}", e);
        }
        catch (Exception e) when (e is StoreConnectionException or ArgumentException or NpgsqlException)
        {
            throw new StoreOpenException($"cannot open --db {location.Display}: {e.Message}", e);
        }
    }

    /// <summary>The message for a damaged SQLite file: what failed and how to recover (<see cref="StoreDamagedException"/>).</summary>
    internal static string Damaged(string path, Exception e) =>
        e is StoreDamagedException damaged ? damaged.Message : new StoreDamagedException(path, e.Message, e).Message;

    /// <summary>The connection with its password replaced by <c>***</c> (URI user-info or a Password= key).</summary>
    internal static string HidePassword(string connection) => PostgresConnectionString.Redact(connection);
}
