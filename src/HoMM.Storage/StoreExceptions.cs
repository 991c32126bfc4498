namespace HoMM.Storage;

/// <summary>A study of that name is already in the store (use GetOrCreateStudyAsync to resume it).</summary>
public sealed class StudyExistsException(string name, Exception? innerException = null)
    : InvalidOperationException($"a study named '{name}' already exists in this database; resume it or choose another name", innerException)
{
    public string StudyName { get; } = name;
}

/// <summary>The database was made by a newer (or foreign) program, or its schema is damaged.</summary>
public sealed class StoreSchemaException(string message) : InvalidOperationException(message);

/// <summary>The database server cannot be reached, refuses the login, or lacks the database; the message says what to do.</summary>
public sealed class StoreConnectionException(string message, Exception? innerException = null) : InvalidOperationException(message, innerException);

/// <summary>The database exists but holds no homm-search schema, and the caller asked not to create one.</summary>
public sealed class StoreEmptyException(string message) : InvalidOperationException(message);

/// <summary>
/// The database file is damaged at the page level (SQLite's quick_check finds errors, or a read
/// meets a malformed page). Nothing was written to it; the message says how to recover.
/// </summary>
public sealed class StoreDamagedException(string path, string detail, Exception? innerException = null)
    : InvalidOperationException(
        $"{path} is damaged ({detail}); nothing was written to it. Recover what is readable into a new file with " +
        $"`sqlite3 {path} .recover | sqlite3 {path}.recovered` and run with --db {path}.recovered " +
        "(keep the damaged file until the recovered one is checked)",
        innerException)
{
    public string Path { get; } = path;

    /// <summary>SQLITE_CORRUPT: "database disk image is malformed".</summary>
    private const int SqliteCorrupt = 11;

    /// <summary>True when <paramref name="e"/> (or an inner exception) says a page of the database is damaged.</summary>
    public static bool IsDamage(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is StoreDamagedException || e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: SqliteCorrupt })
                return true;
        }
        return false;
    }
}

/// <summary>Another process uses the database in a way this one may not join (a SQLite file written through another name).</summary>
public sealed class StoreInUseException(string message) : InvalidOperationException(message);
