using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Reports.Html;
using HoMM.Reports.Loading;
using HoMM.Storage;
using HoMM.Storage.Postgres;
using HoMM.Storage.Sqlite;
using HoMM.Testing;

namespace HoMM.Reports.Tests.Loading;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>
/// Reports read from PostgreSQL exactly what they read from SQLite: the same study written
/// through <see cref="ITrialStore"/> into both gives the same report, byte for byte.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreReportTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly FloatDistribution Lr = new(1e-5, 1e-1, log: true);
    private static readonly CategoricalDistribution Order = new([1L, 2L, 4L]);
    private readonly string dir = Directory.CreateTempSubdirectory("homm-pgreport-").FullName;
    private string database = "";

    public async Task InitializeAsync() => database = await server.CreateDatabaseAsync("report");

    public async Task DisposeAsync()
    {
        await server.DropDatabaseAsync(database);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Report_SameStudyInSqliteAndPostgres_IsIdentical()
    {
        string sqliteHtml, postgresHtml;
        using (var sqlite = await SqliteTrialStore.OpenAsync(Path.Combine(dir, "homm.db"), timeProvider: new SteppingClock()))
            sqliteHtml = await SeedAndRenderAsync(sqlite);
        using (var postgres = await PostgresTrialStore.OpenAsync(server.Url(database), timeProvider: new SteppingClock()))
            postgresHtml = await SeedAndRenderAsync(postgres);

        Assert.Contains("node-b/gpu1", postgresHtml, StringComparison.Ordinal);
        Assert.Equal(sqliteHtml, postgresHtml);
    }

    [Fact]
    public async Task RefreshAsync_OnPostgres_ReadsOnlyTheChangedTrials()
    {
        using var store = await PostgresTrialStore.OpenAsync(server.Url(database), timeProvider: new SteppingClock());
        var study = await store.CreateStudyAsync(Study());
        var a = await TrialAsync(store, study, 1e-3, 1L);
        await TrialAsync(store, study, 1e-2, 2L);
        Assert.True(await store.TryStartAsync(a.Id));
        using var reader = (await StudyReader.OpenAsync(store, "fmnist"))!;

        Assert.Empty(await reader.RefreshAsync());
        Assert.True(await store.TryCompleteAsync(a.Id, 0.9));
        await TrialAsync(store, study, 1e-4, 4L);

        Assert.Equal([0, 2], (await reader.RefreshAsync()).Order());
        Assert.Equal(TrialState.Complete, reader.Current.Snapshot.Trials[0].State);
    }

    private static NewStudy Study() => new("fmnist", StudyDirection.Maximize, "val/acc",
        new SearchSpaceDefinition([new ParameterSpec("lr", Lr), new ParameterSpec("order", Order)]));

    private static Task<FrozenTrial> TrialAsync(ITrialStore store, StudyRecord study, double lr, long order) =>
        store.CreateTrialAsync(study.Id,
            new Dictionary<string, object> { ["lr"] = lr, ["order"] = order },
            new Dictionary<string, Distribution> { ["lr"] = Lr, ["order"] = Order });

    /// <summary>A study run on two nodes: finished, pruned, failed, running and waiting trials,
    /// learning curves, model sizes, slots and a retried attempt.</summary>
    private static async Task<string> SeedAndRenderAsync(ITrialStore store)
    {
        var study = await store.CreateStudyAsync(Study());
        var random = new Random(7);
        for (var i = 0; i < 24; i++)
        {
            var trial = await TrialAsync(store, study, Math.Pow(10, -5 + 4 * random.NextDouble()), new[] { 1L, 2L, 4L }[i % 3]);
            if (i == 23)
                break; // one stays Waiting
            Assert.True(await store.TryStartAsync(trial.Id));
            var (node, slot) = i % 2 == 0 ? ("node-a", $"gpu{i % 4 / 2}") : ("node-b", $"gpu{(i + 1) % 4 / 2}");
            var attempt = await store.StartAttemptAsync(trial.Id, new AttemptStart(node, slot, Pid: 1000 + i));
            await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "slot", JsonSerializer.SerializeToElement(slot));
            await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "info/params", JsonSerializer.SerializeToElement(1_000_000L * (1 + i % 3)));
            await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "info/flops", JsonSerializer.SerializeToElement(2.5e8 * (1 + i % 3)));
            var acc = 0.5 + 0.4 * random.NextDouble();
            for (var step = 1; step <= 5; step++)
                await store.ReportAsync(trial.Id, step * 100, new Dictionary<string, double> { ["val/acc"] = acc * step / 5, ["train/loss"] = 1.0 / step });
            if (i == 5)
            {
                // A lost worker: the attempt ends, a second one on the other node finishes the trial.
                await store.EndAttemptAsync(attempt!.Id, null, "worker lost");
                await store.StartAttemptAsync(trial.Id, new AttemptStart("node-a", "gpu0", Pid: 2000));
            }
            _ = i switch
            {
                22 => true, // stays Running
                7 or 13 => await store.TryPruneAsync(trial.Id, acc * 0.6, "asha"),
                17 => await store.TryFailAsync(trial.Id, "diverged"),
                _ => await store.TryCompleteAsync(trial.Id, acc),
            };
        }

        var loaded = (await StudyReader.LoadAsync(store, "fmnist"))!;
        using var writer = new StringWriter();
        new ReportWriter(new FixedTimeProvider(TrialFactory.T0.AddDays(1))).Write(loaded.ToReport([new("store", "either")]), writer);
        return writer.ToString();
    }

    /// <summary>Every read of the time is 1.5 s after the previous one: both stores see the same times.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset now = TrialFactory.T0;

        public override DateTimeOffset GetUtcNow() => now = now.AddMilliseconds(1500);
    }
}
