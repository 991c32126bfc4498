using HoMM.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace HoMM.Storage.Tests.Sqlite;

/// <summary>The store contract on SQLite (a fresh temp file per test), plus what only SQLite has.</summary>
public sealed class SqliteTrialStoreTests : TrialStoreContractTests
{
    private readonly string directory = Directory.CreateTempSubdirectory("homm-store-").FullName;

    private string DbPath => Path.Combine(directory, "homm.db");

    protected override async Task<ITrialStore> OpenAsync(TimeProvider clock) =>
        await SqliteTrialStore.OpenAsync(DbPath, timeProvider: clock);

    protected override Task DeleteDatabaseAsync()
    {
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    protected override Task ExecuteSqlAsync(string sql) => ExecuteAsync(sql);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection(SqliteTrialStore.ConnectionString(DbPath));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(SqliteTrialStore.ConnectionString(DbPath));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Open_NewFile_CreatesWalDatabaseAtCurrentSchemaVersion()
    {
        var store = (SqliteTrialStore)await StoreAsync();

        Assert.Equal(DbPath, store.Path);
        Assert.Equal("wal", await ScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(SqliteTrialStore.SchemaVersion, await ScalarAsync<long>("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'trials'"));
    }

    [Fact]
    public async Task Open_MissingFolder_IsCreated()
    {
        var nested = Path.Combine(directory, "a", "b", "study.db");

        using var store = await SqliteTrialStore.OpenAsync(nested);

        Assert.True(File.Exists(nested));
    }

    [Fact]
    public async Task Open_SchemaFromANewerVersion_RefusesWithClearError()
    {
        await CloseAsync(await OpenAsync(Clock));
        await ExecuteAsync("INSERT INTO schema_version (version, applied_at, applied_by) VALUES (99, 0, 'homm-search 9.0')");

        var ex = await Assert.ThrowsAsync<StoreSchemaException>(() => SqliteTrialStore.OpenAsync(DbPath));

        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade homm-search", ex.Message, StringComparison.Ordinal);
        Assert.Contains(DbPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_VersionTwoDatabase_UpgradesToLeasesKeepingItsTrials()
    {
        var store = await OpenAsync(Clock);
        var study = await store.CreateStudyAsync(Study());
        var trial = await store.CreateTrialAsync(study.Id);
        Assert.True(await store.TryStartAsync(trial.Id));
        await CloseAsync(store);
        // What a version 2 file looks like: no trial_leases, versions 1 and 2.
        await ExecuteAsync("DROP TABLE trial_leases; UPDATE schema_version SET version = 2");

        var upgraded = await StoreAsync();

        Assert.Equal(SqliteTrialStore.SchemaVersion, await ScalarAsync<long>("SELECT MAX(version) FROM schema_version"));
        Assert.Equal([trial.Id], await upgraded.TakeExpiredAsync(study.Id, TimeSpan.FromSeconds(6)));
        Assert.True((await upgraded.TryClaimAsync(trial.Id, "a", TimeSpan.FromSeconds(6))).TookOver);
    }

    [Fact]
    public async Task Open_OurTablesWithoutVersionTable_Refuses()
    {
        await ExecuteAsync("CREATE TABLE trials (id INTEGER PRIMARY KEY)");

        var ex = await Assert.ThrowsAsync<StoreSchemaException>(() => SqliteTrialStore.OpenAsync(DbPath));

        Assert.Contains("not made by homm-search", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FileWithOtherProgramsTables_AddsOursBesideThem()
    {
        await ExecuteAsync("CREATE TABLE qrtz_locks (sched_name TEXT, lock_name TEXT); INSERT INTO qrtz_locks VALUES ('s', 'l')");

        var store = await StoreAsync();
        await store.CreateStudyAsync(Study());

        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_locks"));
    }

    [Fact]
    public async Task Open_ManyInstancesAtOnceOnAFreshFile_AllSucceedWithOneSchema()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqliteTrialStore.OpenAsync(DbPath, timeProvider: Clock))));
        try
        {
            await stores[0].CreateStudyAsync(Study());
            Assert.NotNull(await stores[3].GetStudyAsync("fmnist"));
            Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM schema_version"));
        }
        finally
        {
            foreach (var s in stores)
                s.Dispose();
        }
    }
}
