using System.Diagnostics;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage.Postgres;
using HoMM.Storage.Sqlite;
using HoMM.Testing;
using Xunit.Abstractions;

namespace HoMM.Storage.Tests.Postgres;

/// <summary>Several processes on one PostgreSQL database, as several worker hosts would be.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresProcessTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ChildProcesses children = new();
    private string database = "";

    public async Task InitializeAsync() => database = await server.CreateDatabaseAsync("proc");

    public async Task DisposeAsync()
    {
        children.Dispose();
        await server.DropDatabaseAsync(database);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task TwoProcesses_RaceForTheSameWaitingTrials_EachTrialHasExactlyOneWinner()
    {
        const int trialCount = 300;
        var url = server.Url(database);
        long studyId;
        using (var store = await PostgresTrialStore.OpenAsync(url))
        {
            studyId = (await store.CreateStudyAsync(TrialStoreContractTests.DurabilityStudy)).Id;
            for (var i = 0; i < trialCount; i++)
                await store.CreateTrialAsync(studyId);
        }

        var wins = await children.ClaimRaceAsync(url, "durability");

        output.WriteLine($"wins per process: {string.Join(", ", wins.Select(w => w.Count))}");
        using var check = await PostgresTrialStore.OpenAsync(url);
        var all = (await check.GetTrialsAsync(studyId)).Trials;
        Assert.Equal(all.Select(t => t.Id).Order(), wins.SelectMany(w => w).Order());
        Assert.All(wins, w => Assert.NotEmpty(w));
        Assert.All(all, t => Assert.Equal(TrialState.Running, t.State));
    }

    /// <summary>
    /// Measures, does not time: trials per second from 4 threads (create, start, one report,
    /// complete) on PostgreSQL, with SQLite (synchronous=Full) measured in the same run as the
    /// anchor. The test server runs with fsync off, so the PostgreSQL number is an upper bound
    /// for a durable server. The assertions check only that every trial arrived.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task FourThreads_CreateAndCompleteTrials_ReportsTrialsPerSecondAgainstSqlite()
    {
        using var postgres = await PostgresTrialStore.OpenAsync(server.Url(database));
        var sqliteDir = Directory.CreateTempSubdirectory("homm-bench-");
        try
        {
            using var sqlite = await SqliteTrialStore.OpenAsync(Path.Combine(sqliteDir.FullName, "homm.db"));
            var results = new List<string>();
            // Interleaved, twice each: the machine's load changes over time.
            for (var round = 0; round < 2; round++)
            {
                foreach (var (name, store) in new (string, ITrialStore)[] { ("postgres", postgres), ("sqlite", sqlite) })
                    results.Add($"round {round} {name}: {await MeasureAsync(store, $"{name}-{round}"):F0} trials/s");
            }
            foreach (var r in results)
                output.WriteLine(r);
        }
        finally
        {
            sqliteDir.Delete(recursive: true);
        }
    }

    private static async Task<double> MeasureAsync(ITrialStore store, string studyName)
    {
        const int threads = 4, perThread = 100;
        var template = TrialStoreContractTests.DurabilityStudy;
        var study = await store.CreateStudyAsync(new NewStudy(studyName, template.Direction, template.ObjectiveMetric, template.SearchSpace));
        var lr = new FloatDistribution(1e-5, 1e-1, log: true);
        await RunAsync(10); // warm-up: JIT, EF's compiled queries, connection pool

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Run(() => RunAsync(perThread))));
        clock.Stop();

        Assert.Equal(threads * perThread + 10, (await store.CountTrialsAsync(study.Id))[TrialState.Complete]);
        return threads * perThread / clock.Elapsed.TotalSeconds;

        async Task RunAsync(int n)
        {
            for (var i = 0; i < n; i++)
            {
                var trial = await store.CreateTrialAsync(study.Id,
                    new Dictionary<string, object> { ["lr"] = 1e-3 }, new Dictionary<string, Distribution> { ["lr"] = lr });
                await store.TryStartAsync(trial.Id);
                await store.ReportAsync(trial.Id, 100, "val/acc", 0.5);
                await store.TryCompleteAsync(trial.Id, 0.5);
            }
        }
    }
}
