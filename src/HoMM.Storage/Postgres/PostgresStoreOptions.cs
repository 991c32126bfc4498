namespace HoMM.Storage.Postgres;

/// <summary>How <see cref="PostgresTrialStore.OpenAsync"/> treats a database.</summary>
public sealed record PostgresStoreOptions
{
    /// <summary>
    /// True (the default): an empty database gets homm-search's tables. False: it is an error
    /// (<see cref="StoreEmptyException"/>), for commands that only read, so a mistyped database
    /// name is reported instead of silently filled with empty tables.
    /// </summary>
    public bool CreateSchema { get; init; } = true;
}
