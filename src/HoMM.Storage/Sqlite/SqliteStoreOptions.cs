namespace HoMM.Storage.Sqlite;

/// <summary>How the SQLite store trades durability for speed, and how long a writer waits for the lock.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>
    /// Full (the default): every commit is fsync'ed, so it survives a power loss or a kernel
    /// crash, not only a killed process. Normal in WAL mode survives kill -9 (the commit is in
    /// the OS's cache) but may lose the last commits on power loss. An overnight search writes a
    /// few hundred commits a minute, and a lost "Complete" can cost hours of GPU time, so Full.
    /// </summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>How long a writer waits for another writer before failing. Writes take
    /// milliseconds, so only a stuck process (or a debugger) ever reaches this.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Opens the file only to read (status, trials, export, report, the dashboard): nothing is
    /// created, converted to WAL, migrated or written, so a mistyped <c>--db</c> stays as it was and an
    /// archived database on a read-only disk can be read. A file without our schema is an error.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// False: the file must already hold our schema (a <see cref="StoreEmptyException"/> otherwise),
    /// checked read-only before anything is written, so an empty or foreign file is never converted.
    /// For a command that writes data but must not create a database (the dashboard's actions).
    /// </summary>
    public bool CreateSchema { get; init; } = true;
}

/// <summary>SQLite's <c>PRAGMA synchronous</c> levels that are safe with WAL.</summary>
public enum SqliteSynchronous
{
    Normal,
    Full,
}
