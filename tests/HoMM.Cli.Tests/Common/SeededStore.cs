using System.CommandLine;
using System.Text.Json;
using HoMM.Cli.Export;
using HoMM.Cli.Report;
using HoMM.Cli.Status;
using HoMM.Dispatch.Driver;
using HoMM.Cli.Tests.Validate;
using HoMM.Cli.Trials;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Serialization;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Common;

/// <summary>
/// A real SQLite database in a temporary folder, seeded through <see cref="ITrialStore"/> as a run
/// would leave it, and the commands run in-process through System.CommandLine as a user types them.
/// </summary>
public sealed class SeededStore : IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 21, 0, 0, TimeSpan.Zero);
    public static readonly FloatDistribution Lr = new(1e-4, 1e-2, log: true);
    public static readonly CategoricalDistribution Pooling = new(["cls", "mean", "a \"b\", c"]);

    public SeededStore() => Dir = Directory.CreateTempSubdirectory("homm-cli-").FullName;

    public string Dir { get; }

    public string DbPath => Path.Combine(Dir, "homm.db");

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    /// <summary>
    /// Study "fmnist" (maximize val/acc, study file with max_trials 10): trial 0 complete 0.81
    /// (cpu0), 1 complete 0.87 (cpu1, the best, with info/params and info/flops), both with final
    /// metrics (test/acc 0.01 below val/acc, test/loss 0.5), 2 pruned,
    /// 3 failed ("diverged: loss is NaN\nat step 40"), 4 running on cpu1 (pid 777, step 20 = 0.5),
    /// 5 waiting. Study "cifar" (minimize val/loss): one complete trial, paused.
    /// </summary>
    public async Task SeedAsync()
    {
        var clock = new SteppingClock(T0);
        using var store = await SqliteTrialStore.OpenAsync(DbPath, timeProvider: clock);
        var space = new SearchSpaceDefinition([new ParameterSpec("lr", Lr), new ParameterSpec("pooling", Pooling)]);
        var study = await store.CreateStudyAsync(new NewStudy("fmnist", StudyDirection.Maximize, "val/acc", space));
        await store.SetStudyAttrAsync(study.Id, AttrScope.System, SystemAttrs.StudyFile, BrokenStudyCorpus.Valid);

        await FinishedAsync(store, study.Id, 1e-3, "cls", "cpu0", TrialState.Complete, 0.81, null, clock);
        var best = await FinishedAsync(store, study.Id, 2.5e-3, "mean", "cpu1", TrialState.Complete, 0.87, null, clock, info: true);
        await FinishedAsync(store, study.Id, 1e-4, "a \"b\", c", "cpu0", TrialState.Pruned, 0.84, "pruned at step 10", clock);
        await FinishedAsync(store, study.Id, 9e-3, "cls", "cpu1", TrialState.Fail, null, "diverged: loss is NaN\nat step 40", clock);
        var running = await CreateAsync(store, study.Id, 5e-3, "mean");
        Assert.True(await store.TryStartAsync(running.Id));
        await store.StartAttemptAsync(running.Id, new AttemptStart("node-a", "cpu1", Pid: 777));
        await store.SetTrialAttrAsync(running.Id, AttrScope.System, SystemAttrs.Slot, "cpu1");
        await store.ReportAsync(running.Id, 20, "val/acc", 0.5);
        await CreateAsync(store, study.Id, 1e-3, "cls");
        Assert.Equal(1, best.Number);

        var other = await store.CreateStudyAsync(new NewStudy("cifar", StudyDirection.Minimize, "val/loss",
            new SearchSpaceDefinition([new ParameterSpec("lr", Lr)])));
        await store.SetStudyAttrAsync(other.Id, AttrScope.System, SystemAttrs.ControlPaused, JsonSerializer.SerializeToElement(true));
        var t = await store.CreateTrialAsync(other.Id, new Dictionary<string, object> { ["lr"] = 1e-3 }, new Dictionary<string, Distribution> { ["lr"] = Lr });
        Assert.True(await store.TryStartAsync(t.Id));
        Assert.True(await store.TryCompleteAsync(t.Id, 0.42));
    }

    private static Task<FrozenTrial> CreateAsync(ITrialStore store, long studyId, double lr, string pooling) =>
        store.CreateTrialAsync(studyId,
            new Dictionary<string, object> { ["lr"] = lr, ["pooling"] = pooling },
            new Dictionary<string, Distribution> { ["lr"] = Lr, ["pooling"] = Pooling });

    private static async Task<FrozenTrial> FinishedAsync(
        ITrialStore store, long studyId, double lr, string pooling, string slot, TrialState state, double? value, string? reason,
        SteppingClock clock, bool info = false)
    {
        var trial = await CreateAsync(store, studyId, lr, pooling);
        Assert.True(await store.TryStartAsync(trial.Id));
        var attempt = await store.StartAttemptAsync(trial.Id, new AttemptStart("node-a", slot, Pid: 100 + trial.Number));
        await store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.Slot, slot);
        if (info)
        {
            await store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.InfoParams, JsonSerializer.SerializeToElement(26_000_000));
            await store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.InfoFlops, JsonSerializer.SerializeToElement(1.2e9));
        }
        await store.ReportAsync(trial.Id, 10, "val/acc", value ?? 0.1);
        if (state == TrialState.Complete)
        {
            await store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.FinalMetrics, FinalMetricsJson.ToJson(
                new Dictionary<string, double> { ["val/acc"] = value!.Value, ["test/acc"] = Math.Round(value.Value - 0.01, 2), ["test/loss"] = 0.5 }));
        }
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.True(await store.TrySetStateAsync(trial.Id, state, TrialState.Running, value, reason));
        await store.EndAttemptAsync(attempt!.Id, 0, state.ToString().ToLowerInvariant());
        return trial;
    }

    /// <summary>Runs <c>homm-search &lt;args&gt;</c> in-process; a redirected output, as in a pipe.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand
        {
            StatusCommand.Create(), TrialsCommand.Create(), ExportCommand.Create(), ReportCommand.Create(), HoMM.Cli.Best.BestCommand.Create(),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}

/// <summary>A test class on its own freshly seeded database (xunit makes one instance per test).</summary>
public abstract class SeededStoreTest : IAsyncLifetime
{
    protected SeededStore Db { get; } = new();

    public Task InitializeAsync() => Db.SeedAsync();

    public Task DisposeAsync()
    {
        Db.Dispose();
        return Task.CompletedTask;
    }
}
