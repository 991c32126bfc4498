using HoMM.Core.Trials;
using HoMM.Dispatch.Cluster;
using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Tests.Driver;
using HoMM.Storage;
using HoMM.Storage.Postgres;
using HoMM.StudyFiles;
using HoMM.Testing;

namespace HoMM.Dispatch.Tests.Cluster;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>
/// Dispatch on Hangfire.PostgreSql (the cluster's queue) in this process: the store decides who
/// runs a trial, whatever Hangfire delivers.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PostgresQueueTests(PostgresServer server) : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private string url = "";

    public async Task InitializeAsync()
    {
        url = server.Url(await server.CreateDatabaseAsync("queue"));
        dir.Script("trainer.sh", DriverFixture.Trainer);
    }

    public Task DisposeAsync()
    {
        dir.Dispose();
        return Task.CompletedTask;
    }

    private string EventsPath => Path.Combine(dir.Path, "events.log");

    private StudyDefinition Study(int maxTrials, int slots, string sleep)
    {
        var path = Path.Combine(dir.Path, "s.yaml");
        File.WriteAllText(path, $$"""
            name: s
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            sampler: {kind: random, seed: 3}
            budget: {max_trials: {{maxTrials}}, max_parallel: {{slots}}}
            trainer:
              command: [bash, trainer.sh, "{x}"]
              env: {EVENTS: "{{EventsPath}}", SLEEP: "{{sleep}}"}
            resources: {cpu_slots: {{slots}}}
            """);
        return StudyFile.LoadOrThrow(path);
    }

    private async Task<DispatchOptions> OptionsAsync(string node, bool localWorker, TimeSpan invisibility) => new()
    {
        JobStore = await ClusterQueue.PostgresAsync(url, node) with { InvisibilityTimeout = invisibility },
        RunsDirectory = Path.Combine(dir.Path, "runs"),
        Node = node,
        WorkerId = node,
        LocalWorker = localWorker,
        ControlPollInterval = TimeSpan.FromMilliseconds(200),
        Runner = new AttemptRunnerOptions { StopGracePeriod = TimeSpan.FromSeconds(1), TerminateGracePeriod = TimeSpan.FromSeconds(1) },
    };

    private List<int> StartedTrials() =>
        File.ReadAllLines(EventsPath).Where(l => l.StartsWith("start ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();

    [Fact]
    public async Task RunAsync_TrialsLongerThanTheInvisibilityTimeout_EachRunsOnce()
    {
        using var store = await PostgresTrialStore.OpenAsync(url);
        var definition = Study(maxTrials: 2, slots: 2, sleep: "4");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(store, definition);
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var end = await new StudyDriver(store, study, definition, await OptionsAsync("node-a", true, TimeSpan.FromSeconds(1))).RunAsync(guard.Token);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        Assert.Equal([0, 1], StartedTrials());
        foreach (var t in (await store.GetTrialsAsync(study.Id)).Trials)
        {
            Assert.Equal(TrialState.Complete, t.State);
            Assert.Single(await store.GetAttemptsAsync(t.Id));
        }
    }

    [Fact]
    public async Task TwoWorkerServers_RacingOnOneStudy_EveryTrialCommittedOnce()
    {
        using var store = await PostgresTrialStore.OpenAsync(url);
        var definition = Study(maxTrials: 8, slots: 4, sleep: "0.5");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(store, definition);
        using var stop = new CancellationTokenSource();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var workers = new List<Task>();
        foreach (var node in new[] { "node-a", "node-b" })
        {
            var options = await OptionsAsync(node, true, TimeSpan.FromSeconds(1));
            var worker = new ClusterWorker(store, options, HoMM.Dispatch.Slots.SlotPlanner.Plan(definition.Resources, 4, null).Slots)
            {
                StudyPollInterval = TimeSpan.FromMilliseconds(300),
            };
            workers.Add(worker.RunAsync(stop.Token));
        }

        var end = await new StudyDriver(store, study, definition, await OptionsAsync("driver", false, TimeSpan.FromSeconds(1))).RunAsync(guard.Token);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        Assert.Equal(Enumerable.Range(0, 8).ToList(), StartedTrials());
        var trials = (await store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(8, trials.Count);
        foreach (var t in trials)
        {
            Assert.Equal(TrialState.Complete, t.State);
            var attempt = Assert.Single(await store.GetAttemptsAsync(t.Id));
            Assert.Equal("completed", attempt.Reason);
        }
    }
}
