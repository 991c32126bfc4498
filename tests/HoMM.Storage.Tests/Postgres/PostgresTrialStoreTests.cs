using HoMM.Storage.Postgres;
using HoMM.Testing;

namespace HoMM.Storage.Tests.Postgres;

/// <summary>The store contract on PostgreSQL (a fresh database per test on the throwaway server),
/// plus what only PostgreSQL has.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTrialStoreTests(PostgresServer server) : TrialStoreContractTests
{
    private readonly SemaphoreSlim creating = new(1, 1);
    private string? database;

    private async Task<string> DatabaseAsync()
    {
        await creating.WaitAsync();
        try
        {
            return database ??= await server.CreateDatabaseAsync("contract");
        }
        finally
        {
            creating.Release();
        }
    }

    protected override async Task<ITrialStore> OpenAsync(TimeProvider clock) =>
        await PostgresTrialStore.OpenAsync(server.Url(await DatabaseAsync()), timeProvider: clock);

    protected override async Task DeleteDatabaseAsync()
    {
        if (database is not null)
            await server.DropDatabaseAsync(database);
        creating.Dispose();
    }

    protected override async Task ExecuteSqlAsync(string sql) => await server.ScalarAsync(sql, await DatabaseAsync());

    private async Task<long> CountAsync(string sql) => Convert.ToInt64(await server.ScalarAsync(sql, await DatabaseAsync()), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Open_NewDatabase_CreatesSchemaAtCurrentVersion()
    {
        var store = (PostgresTrialStore)await StoreAsync();

        Assert.Equal(PostgresTrialStore.SchemaVersion, await CountAsync("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'trials'"));
        Assert.Contains($"PostgreSQL database {database} on 127.0.0.1:{server.Port} as {PostgresServer.User}", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_KeywordConnectionString_OpensTheSameDatabase()
    {
        var viaUrl = await StoreAsync();
        await viaUrl.CreateStudyAsync(Study());

        using var viaKeywords = await PostgresTrialStore.OpenAsync(server.KeywordConnectionString(await DatabaseAsync()));

        Assert.NotNull(await viaKeywords.GetStudyAsync("fmnist"));
    }

    [Fact]
    public async Task Open_ManyInstancesAtOnceOnAnEmptyDatabase_AllSucceedWithOneSchema()
    {
        var url = server.Url(await DatabaseAsync());

        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PostgresTrialStore.OpenAsync(url, timeProvider: Clock))));
        try
        {
            await stores[0].CreateStudyAsync(Study());
            Assert.NotNull(await stores[5].GetStudyAsync("fmnist"));
            Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM schema_version"));
        }
        finally
        {
            foreach (var s in stores)
                s.Dispose();
        }
    }

    [Fact]
    public async Task Open_SchemaFromANewerVersion_RefusesWithClearError()
    {
        await CloseAsync(await OpenAsync(Clock));
        await server.ExecuteAsync("INSERT INTO schema_version (version, applied_at, applied_by) VALUES (99, now(), 'homm-search 9.0')", database!);

        var ex = await Assert.ThrowsAsync<StoreSchemaException>(() => PostgresTrialStore.OpenAsync(server.Url(database!)));

        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade homm-search", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"PostgreSQL database {database}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_DatabaseWithOtherProgramsTables_AddsOursBesideThem()
    {
        // Another program's tables in the same database (Quartz's clustered job store kept its qrtz_ tables there).
        await server.ExecuteAsync("CREATE TABLE qrtz_locks (sched_name text, lock_name text); INSERT INTO qrtz_locks VALUES ('s', 'l')", await DatabaseAsync());

        var store = await StoreAsync();
        await store.CreateStudyAsync(Study());

        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM qrtz_locks"));
    }

    [Fact]
    public async Task Open_EmptyDatabaseWithoutCreateSchema_ThrowsAndCreatesNothing()
    {
        var url = server.Url(await DatabaseAsync());

        var ex = await Assert.ThrowsAsync<StoreEmptyException>(() => PostgresTrialStore.OpenAsync(url, new PostgresStoreOptions { CreateSchema = false }));

        Assert.Contains("no homm-search tables", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"));
    }

    [Fact]
    public async Task Open_MissingDatabase_SaysToCreateIt()
    {
        var ex = await Assert.ThrowsAsync<StoreConnectionException>(() => PostgresTrialStore.OpenAsync(server.Url("no_such_db")));

        Assert.Contains("no_such_db", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("createdb", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WrongPassword_SaysTheLoginWasRefusedWithoutPrintingIt()
    {
        var url = $"postgres://{PostgresServer.User}:wrong-secret@127.0.0.1:{server.Port}/postgres";

        var ex = await Assert.ThrowsAsync<StoreConnectionException>(() => PostgresTrialStore.OpenAsync(url));

        Assert.Contains("refused the login", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_NoServerOnThePort_SaysItCannotReachIt()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var ex = await Assert.ThrowsAsync<StoreConnectionException>(() => PostgresTrialStore.OpenAsync($"postgres://u:p@127.0.0.1:{closedPort}/db"));

        Assert.Contains($"cannot reach the PostgreSQL server at 127.0.0.1:{closedPort}", ex.Message, StringComparison.Ordinal);
    }
}
