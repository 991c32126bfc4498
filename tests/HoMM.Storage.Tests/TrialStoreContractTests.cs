using System.Collections.Concurrent;
using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Storage.Tests;

/// <summary>
/// What every <see cref="ITrialStore"/> must do (its XML doc, as tests). A store implementation
/// subclasses this and supplies <see cref="OpenAsync"/>; xunit creates a new instance per test,
/// so each test gets a fresh, empty database.
/// </summary>
public abstract partial class TrialStoreContractTests : IAsyncLifetime
{
    private readonly List<ITrialStore> opened = [];

    protected ManualClock Clock { get; } = new(new DateTimeOffset(2025, 3, 14, 21, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Opens a new store instance on this test's database (created on the first call). Two calls
    /// give two independent instances, as two processes would have.
    /// </summary>
    protected abstract Task<ITrialStore> OpenAsync(TimeProvider clock);

    /// <summary>Deletes this test's database.</summary>
    protected abstract Task DeleteDatabaseAsync();

    /// <summary>Runs one SQL statement on this test's database outside the store (to fake an older schema).</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in opened)
            await CloseAsync(store);
        await DeleteDatabaseAsync();
    }

    protected async Task<ITrialStore> StoreAsync()
    {
        var store = await OpenAsync(Clock);
        opened.Add(store);
        return store;
    }

    protected static async Task CloseAsync(ITrialStore store)
    {
        switch (store)
        {
            case IAsyncDisposable d:
                await d.DisposeAsync();
                break;
            case IDisposable d:
                d.Dispose();
                break;
        }
    }

    protected static readonly FloatDistribution Lr = new(1e-5, 1e-1, log: true);
    protected static readonly IntDistribution Order = new(1, 4);
    protected static readonly CategoricalDistribution Mixed = new(["relu", 3L, 2.5, true, 4.0]);

    protected static NewStudy Study(string name = "fmnist", StudyDirection direction = StudyDirection.Maximize) => new(
        name,
        direction,
        "val/acc",
        new SearchSpaceDefinition([new ParameterSpec("lr", Lr), new ParameterSpec("order", Order), new ParameterSpec("act", Mixed)]));

    /// <summary>The study the child-process writer fills (see Program).</summary>
    internal static NewStudy DurabilityStudy => Study("durability");

    protected static (Dictionary<string, object> Params, Dictionary<string, Distribution> Distributions) Params(double lr = 1e-3, long order = 2, object? act = null) => (
        new() { ["lr"] = lr, ["order"] = order, ["act"] = act ?? "relu" },
        new() { ["lr"] = Lr, ["order"] = Order, ["act"] = Mixed });

    private async Task<(ITrialStore Store, StudyRecord Study)> StudyAsync(StudyDirection direction = StudyDirection.Maximize)
    {
        var store = await StoreAsync();
        return (store, await store.CreateStudyAsync(Study(direction: direction)));
    }

    private static async Task<FrozenTrial> RunningTrialAsync(ITrialStore store, long studyId)
    {
        var (p, d) = Params();
        var trial = await store.CreateTrialAsync(studyId, p, d);
        Assert.True(await store.TryStartAsync(trial.Id));
        return trial;
    }

    // ------------------------------------------------------------------ multi-objective studies

    private static NewStudy TwoObjectives(string name = "pareto") => NewStudy.WithObjectives(
        name,
        [new StudyObjective("val/acc", StudyDirection.Maximize), new StudyObjective("info/flops", StudyDirection.Minimize)],
        Study().SearchSpace);

    [Fact]
    public async Task CreateStudy_SeveralObjectives_AreReadBackInOrderEverywhere()
    {
        var store = await StoreAsync();
        var created = await store.CreateStudyAsync(TwoObjectives());
        var read = (await store.GetStudyAsync("pareto"))!;
        var listed = Assert.Single(await store.ListStudiesAsync()).Study;
        foreach (var s in new[] { created, read, listed })
        {
            Assert.Equal([new StudyObjective("val/acc", StudyDirection.Maximize), new StudyObjective("info/flops", StudyDirection.Minimize)], s.Objectives);
            Assert.Equal([StudyDirection.Maximize, StudyDirection.Minimize], s.Directions);
            Assert.Equal("val/acc", s.ObjectiveMetric);
            Assert.True(s.IsMultiObjective);
        }
        Assert.False((await store.CreateStudyAsync(Study("single"))).IsMultiObjective);
    }

    [Fact]
    public async Task TryComplete_Values_AreKeptWithTheFirstAsValueAndNeverChangeAgain()
    {
        var store = await StoreAsync();
        var study = await store.CreateStudyAsync(TwoObjectives());
        var trial = await RunningTrialAsync(store, study.Id);

        Assert.True(await store.TryCompleteAsync(trial.Id, [0.91, 1.5e9]));
        Assert.False(await store.TryCompleteAsync(trial.Id, [0.99, 1.0]));

        var other = await OpenAsync(Clock);
        var read = (await other.GetTrialAsync(trial.Id))!;
        await CloseAsync(other);
        Assert.Equal(TrialState.Complete, read.State);
        Assert.Equal(0.91, read.Value);
        Assert.Equal([0.91, 1.5e9], read.Values);
        var page = await store.GetTrialsAsync(study.Id);
        Assert.Equal([0.91, 1.5e9], Assert.Single(page.Trials).Values);
    }

    [Fact]
    public async Task TryComplete_WrongCountOrNaN_IsRefusedAndChangesNothing()
    {
        var store = await StoreAsync();
        var study = await store.CreateStudyAsync(TwoObjectives());
        var trial = await RunningTrialAsync(store, study.Id);

        var count = await Assert.ThrowsAsync<ArgumentException>(() => store.TryCompleteAsync(trial.Id, [0.9]));
        Assert.Contains("1 values for a study with 2 objectives", count.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.TryCompleteAsync(trial.Id, [0.9, double.NaN]));
        Assert.Equal(TrialState.Running, (await store.GetTrialAsync(trial.Id))!.State);
    }

    [Fact]
    public async Task TryComplete_SingleObjectiveStudy_StoresNoVector()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);

        Assert.True(await store.TryCompleteAsync(trial.Id, [0.8]));

        var read = (await store.GetTrialAsync(trial.Id))!;
        Assert.Equal(0.8, read.Value);
        Assert.Null(read.Values);
        Assert.Equal([0.8], read.ObjectiveValues);
    }

    [Fact]
    public async Task Open_Version1Database_IsUpgradedAndItsStudiesReadAsBefore()
    {
        var store = await StoreAsync();
        var study = await store.CreateStudyAsync(Study());
        var trial = await RunningTrialAsync(store, study.Id);
        Assert.True(await store.TryCompleteAsync(trial.Id, 0.87));
        await CloseAsync(store);
        // What a version-1 database looks like: neither column, version 1 recorded.
        await ExecuteSqlAsync("ALTER TABLE trials DROP COLUMN values_json");
        await ExecuteSqlAsync("ALTER TABLE studies DROP COLUMN objectives_json");
        await ExecuteSqlAsync("UPDATE schema_version SET version = 1");

        var upgraded = await StoreAsync();

        var read = (await upgraded.GetStudyAsync("fmnist"))!;
        Assert.Equal([new StudyObjective("val/acc", StudyDirection.Maximize)], read.Objectives);
        var t = Assert.Single((await upgraded.GetTrialsAsync(read.Id)).Trials);
        Assert.Equal(0.87, t.Value);
        Assert.Null(t.Values);
        var multi = await upgraded.CreateStudyAsync(TwoObjectives());
        var m = await RunningTrialAsync(upgraded, multi.Id);
        Assert.True(await upgraded.TryCompleteAsync(m.Id, [0.5, 2.0]));
        Assert.Equal([0.5, 2.0], (await upgraded.GetTrialAsync(m.Id))!.Values);
    }

    // ------------------------------------------------------------------ studies

    [Fact]
    public async Task CreateStudy_ThenGet_ReturnsTheSameRecordByNameAndId()
    {
        var store = await StoreAsync();

        var created = await store.CreateStudyAsync(Study());

        var byName = await store.GetStudyAsync("fmnist");
        var byId = await store.GetStudyAsync(created.Id);
        Assert.NotNull(byName);
        Assert.Equal(created.Id, byName.Id);
        Assert.Equal(created.Id, byId?.Id);
        Assert.Equal(StudyDirection.Maximize, byName.Direction);
        Assert.Equal("val/acc", byName.ObjectiveMetric);
        Assert.Equal(Study().SearchSpace.Parameters, byName.SearchSpace.Parameters);
        Assert.Equal(HoMM.Storage.Serialization.SearchSpaceJson.Fingerprint(Study().SearchSpace), byName.SearchSpaceFingerprint);
        Assert.Equal(created.SearchSpaceJson, byName.SearchSpaceJson);
        Assert.Equal(Clock.GetUtcNow(), byName.Created);
    }

    [Fact]
    public async Task GetStudy_Unknown_ReturnsNull()
    {
        var store = await StoreAsync();

        Assert.Null(await store.GetStudyAsync("nope"));
        Assert.Null(await store.GetStudyAsync(12345));
    }

    [Fact]
    public async Task CreateStudy_NameTaken_ThrowsStudyExists()
    {
        var store = await StoreAsync();
        await store.CreateStudyAsync(Study());

        var ex = await Assert.ThrowsAsync<StudyExistsException>(() => store.CreateStudyAsync(Study()));

        Assert.Equal("fmnist", ex.StudyName);
    }

    [Fact]
    public async Task GetOrCreateStudy_RacingFromTwoInstances_CreatesOneStudy()
    {
        var a = await StoreAsync();
        var b = await StoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => (i % 2 == 0 ? a : b).GetOrCreateStudyAsync(Study()))));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Study.Id).Distinct());
        Assert.Single(await a.ListStudiesAsync());
    }

    [Fact]
    public async Task StudyAttrs_SetAndReplace_RoundTripPerScope()
    {
        var store = await StoreAsync();
        var study = await store.CreateStudyAsync(Study() with
        {
            UserAttrs = new Dictionary<string, JsonElement> { ["owner"] = JsonSerializer.SerializeToElement("ada") },
        });

        await store.SetStudyAttrAsync(study.Id, AttrScope.System, "file", JsonSerializer.SerializeToElement(new { path = "studies/x.yaml", lines = 12 }));
        await store.SetStudyAttrAsync(study.Id, AttrScope.User, "owner", "grace");

        var user = await store.GetStudyAttrsAsync(study.Id, AttrScope.User);
        var system = await store.GetStudyAttrsAsync(study.Id, AttrScope.System);
        Assert.Equal("grace", user["owner"].GetString());
        Assert.Single(user);
        Assert.Equal(12, system["file"].GetProperty("lines").GetInt32());
        Assert.Equal("studies/x.yaml", system["file"].GetProperty("path").GetString());
    }

    [Fact]
    public async Task ListStudies_GivesCountsAndBestValuePerStudy()
    {
        var store = await StoreAsync();
        var max = await store.CreateStudyAsync(Study("b-max", StudyDirection.Maximize));
        var min = await store.CreateStudyAsync(Study("a-min", StudyDirection.Minimize));
        foreach (var (studyId, value) in new[] { (max.Id, 0.5), (max.Id, 0.9), (min.Id, 0.5), (min.Id, 0.2) })
        {
            var t = await RunningTrialAsync(store, studyId);
            Assert.True(await store.TryCompleteAsync(t.Id, value));
        }
        await RunningTrialAsync(store, max.Id);
        await store.CreateTrialAsync(max.Id);

        var list = await store.ListStudiesAsync();

        Assert.Equal(["a-min", "b-max"], list.Select(s => s.Study.Name));
        Assert.Equal(0.2, list[0].BestValue);
        Assert.Equal(0.9, list[1].BestValue);
        Assert.Equal(4, list[1].TotalTrials);
        Assert.Equal(2, list[1].TrialCounts[TrialState.Complete]);
        Assert.Equal(1, list[1].TrialCounts[TrialState.Running]);
        Assert.Equal(1, list[1].TrialCounts[TrialState.Waiting]);
        Assert.Equal(0, list[1].TrialCounts[TrialState.Fail]);
    }

    // ------------------------------------------------------------------ trial creation

    [Fact]
    public async Task CreateTrial_StoresParamsAsExternalValuesWithTheirDistributions()
    {
        var (store, study) = await StudyAsync();
        var (p, d) = Params(lr: 3e-4, order: 3, act: 4.0);

        var created = await store.CreateTrialAsync(study.Id, p, d);
        var read = await store.GetTrialAsync(created.Id);

        foreach (var trial in new[] { created, read! })
        {
            Assert.Equal(0, trial.Number);
            Assert.Equal(TrialState.Waiting, trial.State);
            Assert.Equal(3e-4, trial.Params["lr"]);
            Assert.Equal(3L, trial.Params["order"]);
            Assert.IsType<double>(trial.Params["act"]);
            Assert.Equal(4.0, trial.Params["act"]);
            Assert.Equal(Lr, trial.Distributions["lr"]);
            Assert.Equal(Order, trial.Distributions["order"]);
            Assert.Equal(Mixed, trial.Distributions["act"]);
            Assert.Null(trial.Value);
            Assert.Null(trial.Started);
            Assert.Empty(trial.IntermediateValues);
        }
    }

    [Theory]
    [InlineData("relu")]
    [InlineData(3L)]
    [InlineData(2.5)]
    [InlineData(true)]
    public async Task CreateTrial_MixedCategoricalChoice_RoundTripsWithItsType(object choice)
    {
        var (store, study) = await StudyAsync();
        var (p, d) = Params(act: choice);

        var trial = await store.CreateTrialAsync(study.Id, p, d);

        var read = await store.GetTrialAsync(trial.Id);
        Assert.Equal(choice, read!.Params["act"]);
        Assert.Equal(choice.GetType(), read.Params["act"].GetType());
    }

    [Fact]
    public async Task CreateTrial_ValueOutsideItsDistribution_ThrowsNamingTheParameterAndCreatesNothing()
    {
        var (store, study) = await StudyAsync();
        var (p, d) = Params(lr: 0.5);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.CreateTrialAsync(study.Id, p, d));

        Assert.Contains("'lr'", ex.Message, StringComparison.Ordinal);
        Assert.Empty((await store.GetTrialsAsync(study.Id)).Trials);
        Assert.Equal(0, (await store.CreateTrialAsync(study.Id)).Number);
    }

    [Fact]
    public async Task CreateTrial_ParamsWithoutDistribution_Throws()
    {
        var (store, study) = await StudyAsync();
        var (p, d) = Params();
        d.Remove("order");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.CreateTrialAsync(study.Id, p, d));

        Assert.Contains("order", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTrial_ConcurrentlyFromThreadsAndTwoInstances_NumbersAreUniqueAndDense()
    {
        var a = await StoreAsync();
        var b = await StoreAsync();
        var study = await a.CreateStudyAsync(Study());
        const int threads = 4, perThread = 25;

        var numbers = await Task.WhenAll(Enumerable.Range(0, threads).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            var mine = new List<int>();
            for (var k = 0; k < perThread; k++)
                mine.Add((await store.CreateTrialAsync(study.Id)).Number);
            return mine;
        })));

        Assert.Equal(Enumerable.Range(0, threads * perThread), numbers.SelectMany(n => n).Order());
        var stored = (await b.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(Enumerable.Range(0, threads * perThread), stored.Select(t => t.Number));
        Assert.Equal(threads * perThread, stored.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public async Task CreateTrial_NumbersArePerStudy()
    {
        var store = await StoreAsync();
        var s1 = await store.CreateStudyAsync(Study("one"));
        var s2 = await store.CreateStudyAsync(Study("two"));

        await store.CreateTrialAsync(s1.Id);
        await store.CreateTrialAsync(s1.Id);
        var first = await store.CreateTrialAsync(s2.Id);

        Assert.Equal(0, first.Number);
        Assert.Equal(first.Id, (await store.GetTrialByNumberAsync(s2.Id, 0))?.Id);
        Assert.Null(await store.GetTrialByNumberAsync(s2.Id, 1));
    }

    // ------------------------------------------------------------------ state transitions

    [Fact]
    public async Task TrySetState_TwoInstancesRaceForWaitingTrials_ExactlyOneWinsEach()
    {
        var a = await StoreAsync();
        var b = await StoreAsync();
        var study = await a.CreateStudyAsync(Study());
        var trials = new List<FrozenTrial>();
        for (var i = 0; i < 30; i++)
            trials.Add(await a.CreateTrialAsync(study.Id));
        var wins = new ConcurrentBag<(long TrialId, int Racer)>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(racer => Task.Run(async () =>
        {
            var store = racer % 2 == 0 ? a : b;
            foreach (var t in trials)
            {
                if (await store.TryStartAsync(t.Id))
                    wins.Add((t.Id, racer));
            }
        })));

        Assert.Equal(trials.Select(t => t.Id).Order(), wins.Select(w => w.TrialId).Order());
        Assert.All((await a.GetTrialsAsync(study.Id)).Trials, t => Assert.Equal(TrialState.Running, t.State));
    }

    [Fact]
    public async Task TrySetState_RunningToFinishedRace_ExactlyOneOutcomeWins()
    {
        var a = await StoreAsync();
        var b = await StoreAsync();
        var study = await a.CreateStudyAsync(Study());
        var trial = await RunningTrialAsync(a, study.Id);

        var results = await Task.WhenAll(
            Task.Run(() => a.TryCompleteAsync(trial.Id, 0.9)),
            Task.Run(() => b.TryFailAsync(trial.Id, "worker lost")),
            Task.Run(() => b.TryPruneAsync(trial.Id, 0.1, "asha")));

        Assert.Single(results, r => r);
        var final = await a.GetTrialAsync(trial.Id);
        var winner = Array.IndexOf(results, true);
        Assert.Equal(new[] { TrialState.Complete, TrialState.Fail, TrialState.Pruned }[winner], final!.State);
    }

    [Fact]
    public async Task TrySetState_NotInExpectedState_ReturnsFalseAndChangesNothing()
    {
        var (store, study) = await StudyAsync();
        var trial = await store.CreateTrialAsync(study.Id);

        Assert.False(await store.TrySetStateAsync(trial.Id, TrialState.Complete, TrialState.Running, 1.0));

        var read = await store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialState.Waiting, read!.State);
        Assert.Null(read.Value);
        Assert.Null(read.Finished);
    }

    [Fact]
    public async Task TrySetState_ThroughTheLifeOfATrial_RecordsTimesValueAndReason()
    {
        var (store, study) = await StudyAsync();
        var trial = await store.CreateTrialAsync(study.Id);
        var start = Clock.GetUtcNow();

        Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await store.TryStartAsync(trial.Id));
        var running = await store.GetTrialAsync(trial.Id);
        Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromMilliseconds(7));
        Assert.True(await store.TrySetStateAsync(trial.Id, TrialState.Complete, TrialState.Running, 0.875, "done"));
        var complete = await store.GetTrialAsync(trial.Id);

        Assert.Equal(TrialState.Running, running!.State);
        Assert.Equal(start.AddSeconds(5), running.Started);
        Assert.Null(running.Finished);
        Assert.Equal(TrialState.Complete, complete!.State);
        Assert.Equal(0.875, complete.Value);
        Assert.Equal(start.AddSeconds(5), complete.Started);
        Assert.Equal(start.AddSeconds(5).AddMinutes(3).AddMilliseconds(7), complete.Finished);
        Assert.Equal("done", complete.FailReason);
    }

    [Fact]
    public async Task TrySetState_FailAndPrune_KeepReasonAndOptionalValue()
    {
        var (store, study) = await StudyAsync();
        var failed = await RunningTrialAsync(store, study.Id);
        var pruned = await RunningTrialAsync(store, study.Id);
        var cancelled = await store.CreateTrialAsync(study.Id);

        Assert.True(await store.TryFailAsync(failed.Id, "exit 139 (segmentation fault)"));
        Assert.True(await store.TryPruneAsync(pruned.Id, 0.31, "asha rung 1"));
        Assert.True(await store.TryFailAsync(cancelled.Id, "study stopped", TrialState.Waiting));

        var f = await store.GetTrialAsync(failed.Id);
        var p = await store.GetTrialAsync(pruned.Id);
        var c = await store.GetTrialAsync(cancelled.Id);
        Assert.Equal((TrialState.Fail, (double?)null, "exit 139 (segmentation fault)"), (f!.State, f.Value, f.FailReason));
        Assert.Equal((TrialState.Pruned, (double?)0.31, "asha rung 1"), (p!.State, p.Value, p.FailReason));
        Assert.Equal((TrialState.Fail, (DateTimeOffset?)null), (c!.State, c.Started));
    }

    public static TheoryData<TrialState, TrialState, double?> InvalidTransitions() => new()
    {
        { TrialState.Waiting, TrialState.Running, null },
        { TrialState.Running, TrialState.Running, null },
        { TrialState.Running, TrialState.Complete, null },
        { TrialState.Fail, TrialState.Complete, null },
        { TrialState.Complete, TrialState.Running, null },
        { TrialState.Complete, TrialState.Running, double.NaN },
        { TrialState.Running, TrialState.Waiting, 1.0 },
        { TrialState.Waiting, TrialState.Running, null },
        { TrialState.Paused, TrialState.Waiting, null },
        { TrialState.Paused, TrialState.Running, 0.5 },
        { TrialState.Complete, TrialState.Paused, 0.5 },
        { TrialState.Running, TrialState.Paused, null },
    };

    [Fact]
    public async Task TrySetState_PauseAndPromote_KeepsTheTrialUnfinishedWithItsValues()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);
        Assert.True(await store.ReportAsync(trial.Id, 30, new Dictionary<string, double> { ["val/acc"] = 0.6 }));

        Assert.True(await store.TrySetStateAsync(trial.Id, TrialState.Paused, TrialState.Running, reason: "paused at step 30"));
        var paused = await store.GetTrialAsync(trial.Id);
        Assert.False(await store.TrySetStateAsync(trial.Id, TrialState.Paused, TrialState.Running));
        Assert.True(await store.TrySetStateAsync(trial.Id, TrialState.Waiting, TrialState.Paused));
        var promoted = await store.GetTrialAsync(trial.Id);
        Assert.True(await store.TryStartAsync(trial.Id));
        var resumed = await store.GetTrialAsync(trial.Id);

        Assert.Equal((TrialState.Paused, "paused at step 30", (DateTimeOffset?)null, (double?)null), (paused!.State, paused.FailReason, paused.Finished, paused.Value));
        Assert.Equal((TrialState.Waiting, (string?)null), (promoted!.State, promoted.FailReason));
        Assert.Equal(TrialState.Running, resumed!.State);
        Assert.Equal(0.6, resumed.IntermediateValues[30]);
        // The counts know the state too.
        Assert.True(await store.TrySetStateAsync(trial.Id, TrialState.Paused, TrialState.Running));
        Assert.Equal(1, (await store.CountTrialsAsync(study.Id))[TrialState.Paused]);
        Assert.True(await store.TrySetStateAsync(trial.Id, TrialState.Pruned, TrialState.Paused, 0.6, "not promoted"));
        Assert.Equal(TrialState.Pruned, (await store.GetTrialAsync(trial.Id))!.State);
    }

    [Fact]
    public async Task Cancel_PausedTrial_EndsAtOnce()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);
        Assert.True(await store.TrySetStateAsync(trial.Id, TrialState.Paused, TrialState.Running));

        Assert.Equal(TrialStopOutcome.Cancelled, await store.CancelAsync(trial.Id, "alice@box (cli)", "not needed"));

        Assert.Equal(TrialState.Cancelled, (await store.GetTrialAsync(trial.Id))!.State);
    }

    [Theory]
    [MemberData(nameof(InvalidTransitions))]
    public async Task TrySetState_TransitionATrialNeverMakes_ThrowsArgumentException(TrialState to, TrialState from, double? value)
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.TrySetStateAsync(trial.Id, to, from, value));

        Assert.Equal(TrialState.Running, (await store.GetTrialAsync(trial.Id))!.State);
    }

    [Fact]
    public async Task FinishedTrial_EveryWrite_ReturnsFalseAndChangesNothing()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);
        await store.ReportAsync(trial.Id, 100, "val/acc", 0.5);
        await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "log", "a.log");
        Assert.True(await store.TryCompleteAsync(trial.Id, 0.5));
        var before = await store.GetTrialAsync(trial.Id);
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.False(await store.TrySetStateAsync(trial.Id, TrialState.Fail, TrialState.Running, reason: "late"));
        Assert.False(await store.TrySetStateAsync(trial.Id, TrialState.Running, TrialState.Waiting));
        Assert.False(await store.ReportAsync(trial.Id, 200, "val/acc", 0.9));
        Assert.False(await store.ReportAsync(trial.Id, 100, "val/acc", 0.9));
        Assert.False(await store.SetParamAsync(trial.Id, "extra", Order, 1L));
        Assert.False(await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "log", "b.log"));
        Assert.Null(await store.StartAttemptAsync(trial.Id, new AttemptStart("node", "cpu0")));

        var after = await store.GetTrialAsync(trial.Id);
        Assert.Equal(Describe(before!), Describe(after!));
        Assert.Equal("a.log", (await store.GetTrialAttrsAsync(trial.Id, AttrScope.System))["log"].GetString());
        Assert.Single(await store.GetIntermediateValuesAsync(trial.Id));
        Assert.Empty(await store.GetAttemptsAsync(trial.Id));
    }

    // ------------------------------------------------------------------ snapshots

    [Fact]
    public async Task Snapshot_LaterWrites_DoNotShowInIt()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);
        await store.ReportAsync(trial.Id, 1, "val/acc", 0.1);
        var snapshot = await store.GetTrialAsync(trial.Id);
        var page = await store.GetTrialsAsync(study.Id);
        var described = Describe(snapshot!);

        await store.ReportAsync(trial.Id, 2, "val/acc", 0.2);
        await store.ReportAsync(trial.Id, 1, "val/acc", 0.15);
        await store.SetParamAsync(trial.Id, "late", Order, 4L);
        await store.TryCompleteAsync(trial.Id, 0.2);

        Assert.Equal(described, Describe(snapshot!));
        Assert.Equal(described, Describe(page.Trials.Single()));
        Assert.NotEqual(described, Describe((await store.GetTrialAsync(trial.Id))!));
    }

    [Fact]
    public async Task Snapshot_Collections_CannotBeModified()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);
        await store.ReportAsync(trial.Id, 1, "val/acc", 0.1);
        var snapshot = (await store.GetTrialAsync(trial.Id))!;

        AssertReadOnly(snapshot.Params, "x", (object)1);
        AssertReadOnly(snapshot.Distributions, "x", (Distribution)Order);
        AssertReadOnly(snapshot.IntermediateValues, 99L, 1.0);
        Assert.Equal(3, snapshot.Params.Count);
        Assert.Single(snapshot.IntermediateValues);

        static void AssertReadOnly<TKey, TValue>(IReadOnlyDictionary<TKey, TValue> map, TKey key, TValue value)
        {
            if (map is IDictionary<TKey, TValue> writable)
                Assert.ThrowsAny<NotSupportedException>(() => writable[key] = value);
        }
    }

    // ------------------------------------------------------------------ parameters

    [Fact]
    public async Task SetParam_OnceSet_SameIsHarmlessOtherThrows()
    {
        var (store, study) = await StudyAsync();
        var trial = await store.CreateTrialAsync(study.Id);

        Assert.True(await store.SetParamAsync(trial.Id, "lr", Lr, 1e-3));
        Assert.True(await store.SetParamAsync(trial.Id, "lr", Lr, 1e-3));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetParamAsync(trial.Id, "lr", Lr, 2e-3));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SetParamAsync(trial.Id, "order", Order, 9L));

        Assert.Contains("'lr'", ex.Message, StringComparison.Ordinal);
        var read = await store.GetTrialAsync(trial.Id);
        Assert.Equal(1e-3, read!.Params["lr"]);
        Assert.Single(read.Params);
    }

    // ------------------------------------------------------------------ intermediate values

    [Fact]
    public async Task Report_SeveralMetricsPerStep_RoundTripWithObjectiveInTheTrial()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);
        var t0 = Clock.GetUtcNow();

        Assert.True(await store.ReportAsync(trial.Id, 500, new Dictionary<string, double> { ["train/loss"] = 0.41, ["val/acc"] = 0.87 }));
        Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await store.ReportAsync(trial.Id, 1000, new Dictionary<string, double>
        {
            ["train/loss"] = double.NaN,
            ["val/acc"] = 0.9,
            ["grad/max"] = double.PositiveInfinity,
            ["grad/min"] = double.NegativeInfinity,
        }));

        var all = await store.GetIntermediateValuesAsync(trial.Id);
        Assert.Equal(
            [
                new IntermediateValue(500, "train/loss", 0.41, t0),
                new IntermediateValue(500, "val/acc", 0.87, t0),
                new IntermediateValue(1000, "grad/max", double.PositiveInfinity, t0.AddSeconds(30)),
                new IntermediateValue(1000, "grad/min", double.NegativeInfinity, t0.AddSeconds(30)),
                new IntermediateValue(1000, "train/loss", double.NaN, t0.AddSeconds(30)),
                new IntermediateValue(1000, "val/acc", 0.9, t0.AddSeconds(30)),
            ],
            all);
        Assert.Equal([500L, 1000L], (await store.GetIntermediateValuesAsync(trial.Id, "val/acc")).Select(v => v.Step));

        var frozen = await store.GetTrialAsync(trial.Id);
        Assert.Equal(new Dictionary<long, double> { [500] = 0.87, [1000] = 0.9 }, frozen!.IntermediateValues);
        Assert.Equal(1000, frozen.LastStep);

        var byLoss = await store.GetTrialsAsync(study.Id, new TrialQuery(Metric: "train/loss"));
        Assert.Equal(0.41, byLoss.Trials.Single().IntermediateValues[500]);
        Assert.True(double.IsNaN(byLoss.Trials.Single().IntermediateValues[1000]));
        var without = await store.GetTrialsAsync(study.Id, new TrialQuery(IntermediateValues: false));
        Assert.Empty(without.Trials.Single().IntermediateValues);
    }

    [Fact]
    public async Task Report_SameStepAgain_ReplacesTheValue()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);
        await store.ReportAsync(trial.Id, 600, "val/acc", 0.5);

        Clock.Advance(TimeSpan.FromSeconds(1));
        await store.ReportAsync(trial.Id, 600, "val/acc", 0.55);

        var values = await store.GetIntermediateValuesAsync(trial.Id);
        Assert.Equal(new IntermediateValue(600, "val/acc", 0.55, Clock.GetUtcNow()), Assert.Single(values));
    }

    [Fact]
    public async Task Report_WaitingTrial_ReturnsFalseAndRecordsNothing()
    {
        var (store, study) = await StudyAsync();
        var trial = await store.CreateTrialAsync(study.Id);

        Assert.False(await store.ReportAsync(trial.Id, 1, "val/acc", 0.5));

        Assert.Empty(await store.GetIntermediateValuesAsync(trial.Id));
    }

    // ------------------------------------------------------------------ attrs, attempts

    [Fact]
    public async Task TrialAttrs_SetReplaceAndScopes_RoundTrip()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);

        Assert.True(await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "checkpoint", "/runs/7/ckpt.bin"));
        Assert.True(await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "checkpoint", "/runs/7/ckpt-2.bin"));
        Assert.True(await store.SetTrialAttrAsync(trial.Id, AttrScope.User, "tags", JsonSerializer.SerializeToElement(new[] { "a", "b" })));

        var system = await store.GetTrialAttrsAsync(trial.Id, AttrScope.System);
        var user = await store.GetTrialAttrsAsync(trial.Id, AttrScope.User);
        Assert.Equal("/runs/7/ckpt-2.bin", Assert.Single(system).Value.GetString());
        Assert.Equal(["a", "b"], user["tags"].EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task TrialAttrOfStudy_OneKeyOfManyTrials_ReturnsOnlyThatStudysTrialsThatHaveIt()
    {
        var (store, study) = await StudyAsync();
        var other = await store.CreateStudyAsync(Study("other"));
        var a = await RunningTrialAsync(store, study.Id);
        var b = await RunningTrialAsync(store, study.Id);
        var without = await RunningTrialAsync(store, study.Id);
        var elsewhere = await RunningTrialAsync(store, other.Id);
        Assert.True(await store.SetTrialAttrAsync(a.Id, AttrScope.System, "final_metrics", JsonSerializer.SerializeToElement(new Dictionary<string, double> { ["test/acc"] = 0.8 })));
        Assert.True(await store.SetTrialAttrAsync(b.Id, AttrScope.System, "final_metrics", JsonSerializer.SerializeToElement(new Dictionary<string, double> { ["test/acc"] = 0.9 })));
        Assert.True(await store.SetTrialAttrAsync(b.Id, AttrScope.User, "final_metrics", "user's own"));
        Assert.True(await store.SetTrialAttrAsync(without.Id, AttrScope.System, "checkpoint", "/x"));
        Assert.True(await store.SetTrialAttrAsync(elsewhere.Id, AttrScope.System, "final_metrics", JsonSerializer.SerializeToElement(new Dictionary<string, double> { ["test/acc"] = 0.1 })));

        var column = await store.GetTrialAttrOfStudyAsync(study.Id, AttrScope.System, "final_metrics");

        Assert.Equal([a.Id, b.Id], column.Keys.Order());
        Assert.Equal(0.8, column[a.Id].GetProperty("test/acc").GetDouble());
        Assert.Equal(0.9, column[b.Id].GetProperty("test/acc").GetDouble());
        Assert.Equal("user's own", (await store.GetTrialAttrOfStudyAsync(study.Id, AttrScope.User, "final_metrics"))[b.Id].GetString());
        Assert.Empty(await store.GetTrialAttrOfStudyAsync(study.Id, AttrScope.System, "missing"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetTrialAttrOfStudyAsync(987_654, AttrScope.System, "final_metrics"));
    }

    [Fact]
    public async Task TrialAttrsAndAttemptsOfStudy_ChangedAfterACursor_OnlyThatStudysChangedTrials()
    {
        var (store, study) = await StudyAsync();
        var other = await store.CreateStudyAsync(Study("other"));
        var a = await RunningTrialAsync(store, study.Id);
        var b = await RunningTrialAsync(store, study.Id);
        var elsewhere = await RunningTrialAsync(store, other.Id);
        Assert.True(await store.SetTrialAttrAsync(a.Id, AttrScope.System, "slot", "gpu0"));
        Assert.True(await store.SetTrialAttrAsync(a.Id, AttrScope.System, "trial_dir", "/runs/a"));
        Assert.True(await store.SetTrialAttrAsync(a.Id, AttrScope.User, "note", "mine"));
        Assert.True(await store.SetTrialAttrAsync(elsewhere.Id, AttrScope.System, "slot", "gpu9"));
        await store.StartAttemptAsync(a.Id, new AttemptStart("host", "gpu0"));
        var second = await store.StartAttemptAsync(a.Id, new AttemptStart("host", "gpu1"));
        await store.StartAttemptAsync(elsewhere.Id, new AttemptStart("host", "gpu9"));
        var cursor = (await store.GetTrialsAsync(study.Id)).Cursor;
        Assert.True(await store.SetTrialAttrAsync(b.Id, AttrScope.System, "slot", "gpu1"));
        await store.StartAttemptAsync(b.Id, new AttemptStart("host", "gpu1"));

        var attrs = await store.GetTrialAttrsOfStudyAsync(study.Id, AttrScope.System);
        var attempts = await store.GetAttemptsOfStudyAsync(study.Id);

        Assert.Equal([a.Id, b.Id], attrs.Keys.Order());
        Assert.Equal(["slot", "trial_dir"], attrs[a.Id].Keys.Order(StringComparer.Ordinal));
        Assert.Equal("gpu0", attrs[a.Id]["slot"].GetString());
        Assert.Equal("mine", (await store.GetTrialAttrsOfStudyAsync(study.Id, AttrScope.User))[a.Id]["note"].GetString());
        Assert.Equal([a.Id, b.Id], attempts.Keys.Order());
        Assert.Equal([1, 2], attempts[a.Id].Select(x => x.Number));
        Assert.Equal(second!.Id, attempts[a.Id][1].Id);
        // After the cursor: only the trial changed since.
        Assert.Equal([b.Id], (await store.GetTrialAttrsOfStudyAsync(study.Id, AttrScope.System, cursor)).Keys);
        Assert.Equal([b.Id], (await store.GetAttemptsOfStudyAsync(study.Id, cursor)).Keys);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetAttemptsOfStudyAsync(987_654));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetTrialAttrsOfStudyAsync(987_654, AttrScope.System));
    }

    [Fact]
    public async Task Attempts_StartProcessEnd_AreNumberedAndClosedOnce()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);
        var t0 = Clock.GetUtcNow();

        var first = await store.StartAttemptAsync(trial.Id, new AttemptStart("gpu-host-1", "gpu0", "worker-a"));
        Assert.True(await store.SetAttemptProcessAsync(first!.Id, 4242, 4242));
        Clock.Advance(TimeSpan.FromSeconds(90));
        Assert.True(await store.EndAttemptAsync(first.Id, 139, "exit 139"));
        Assert.False(await store.EndAttemptAsync(first.Id, 0, "late duplicate"));
        Assert.False(await store.SetAttemptProcessAsync(first.Id, 1, 1));
        var second = await store.StartAttemptAsync(trial.Id, new AttemptStart("gpu-host-2", "gpu1", "worker-b", 777, 770));
        Assert.True(await store.TryCompleteAsync(trial.Id, 0.9));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await store.EndAttemptAsync(second!.Id, 0, "completed"));

        var attempts = await store.GetAttemptsAsync(trial.Id);
        Assert.Equal(
            [
                new TrialAttempt(first.Id, trial.Id, 1, "gpu-host-1", "gpu0", "worker-a", 4242, 4242, t0, t0.AddSeconds(90), 139, "exit 139"),
                new TrialAttempt(second.Id, trial.Id, 2, "gpu-host-2", "gpu1", "worker-b", 777, 770, t0.AddSeconds(90), t0.AddSeconds(91), 0, "completed"),
            ],
            attempts);
    }

    // ------------------------------------------------------------------ queries

    [Fact]
    public async Task GetTrials_ChangedAfterCursor_ReturnsOnlyTrialsChangedSince()
    {
        var (store, study) = await StudyAsync();
        var t0 = await RunningTrialAsync(store, study.Id);
        var t1 = await store.CreateTrialAsync(study.Id);
        var t2 = await store.CreateTrialAsync(study.Id);
        var first = await store.GetTrialsAsync(study.Id);
        Assert.Equal(3, first.Trials.Count);

        var none = await store.GetTrialsAsync(study.Id, new TrialQuery(ChangedAfter: first.Cursor));
        await store.ReportAsync(t0.Id, 10, "val/acc", 0.3);
        await store.TryStartAsync(t2.Id);
        var t3 = await store.CreateTrialAsync(study.Id);
        var changed = await store.GetTrialsAsync(study.Id, new TrialQuery(ChangedAfter: first.Cursor));
        var again = await store.GetTrialsAsync(study.Id, new TrialQuery(ChangedAfter: changed.Cursor));

        Assert.Empty(none.Trials);
        Assert.Equal(first.Cursor, none.Cursor);
        Assert.Equal([t0.Id, t2.Id, t3.Id], changed.Trials.Select(t => t.Id));
        Assert.Equal(0.3, changed.Trials[0].IntermediateValues[10]);
        Assert.True(changed.Cursor > first.Cursor);
        Assert.Empty(again.Trials);
        Assert.DoesNotContain(t1.Id, changed.Trials.Select(t => t.Id));
    }

    [Fact]
    public async Task GetTrials_StatesFilter_ReturnsOnlyThoseStates()
    {
        var (store, study) = await StudyAsync();
        var done = await RunningTrialAsync(store, study.Id);
        await store.TryCompleteAsync(done.Id, 0.5);
        await RunningTrialAsync(store, study.Id);
        await store.CreateTrialAsync(study.Id);

        var page = await store.GetTrialsAsync(study.Id, new TrialQuery(States: new HashSet<TrialState> { TrialState.Complete, TrialState.Waiting }));

        Assert.Equal([TrialState.Complete, TrialState.Waiting], page.Trials.Select(t => t.State));
    }

    // ------------------------------------------------------------------ cancel and delete

    [Fact]
    public async Task Cancel_WaitingTrial_EndsCancelledAtOnceWithWhoAndWhy()
    {
        var (store, study) = await StudyAsync();
        var (p, d) = Params();
        var waiting = await store.CreateTrialAsync(study.Id, p, d);

        Assert.Equal(TrialStopOutcome.Cancelled, await store.CancelAsync(waiting.Id, "alice@gpu1 (cli)", "wrong data"));

        var cancelled = (await store.GetTrialAsync(waiting.Id))!;
        Assert.Equal((TrialState.Cancelled, "cancelled by alice@gpu1 (cli): wrong data", (double?)null), (cancelled.State, cancelled.FailReason, cancelled.Value));
        Assert.False(await store.TryStartAsync(waiting.Id));
        Assert.Equal(TrialStopOutcome.AlreadyFinished, await store.CancelAsync(waiting.Id, "bob", null));
    }

    [Fact]
    public async Task Cancel_RunningTrial_WritesTheRequestForItsDispatcher()
    {
        var (store, study) = await StudyAsync();
        var running = await RunningTrialAsync(store, study.Id);

        Assert.Equal(TrialStopOutcome.Requested, await store.CancelAsync(running.Id, "the dashboard (127.0.0.1)", null));

        var attrs = await store.GetTrialAttrsAsync(running.Id, AttrScope.System);
        Assert.Equal("cancelled by the dashboard (127.0.0.1): no reason given", TrialStop.RequestText(attrs[SystemAttrs.ControlStop]));
        Assert.Equal(TrialState.Running, (await store.GetTrialAsync(running.Id))!.State);
        // The dispatcher's side: Running → Cancelled, with no value.
        Assert.True(await store.TrySetStateAsync(running.Id, TrialState.Cancelled, TrialState.Running, reason: TrialStop.RequestText(attrs[SystemAttrs.ControlStop])));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.TrySetStateAsync(running.Id, TrialState.Cancelled, TrialState.Running, 0.5));
    }

    [Fact]
    public async Task DeleteTrial_Finished_GoneEverywhereAndReportedAfterTheCursor()
    {
        var (store, study) = await StudyAsync();
        var keep = await RunningTrialAsync(store, study.Id);
        var gone = await RunningTrialAsync(store, study.Id);
        await store.ReportAsync(gone.Id, 1, "val/acc", 0.5);
        await store.SetTrialAttrAsync(gone.Id, AttrScope.System, SystemAttrs.Slot, "cpu0");
        await store.StartAttemptAsync(gone.Id, new AttemptStart("n", "cpu0"));
        Assert.True(await store.TryCompleteAsync(gone.Id, 0.5));
        var cursor = (await store.GetTrialsAsync(study.Id)).Cursor;
        var other = await StoreAsync();

        Assert.True(await store.DeleteTrialAsync(gone.Id));

        Assert.Null(await other.GetTrialAsync(gone.Id));
        Assert.Null(await other.GetTrialByNumberAsync(study.Id, gone.Number));
        Assert.Equal([keep.Number], (await other.GetTrialsAsync(study.Id)).Trials.Select(t => t.Number));
        var page = await other.GetTrialsAsync(study.Id, new TrialQuery(ChangedAfter: cursor));
        Assert.Empty(page.Trials);
        Assert.Equal([gone.Number], page.DeletedNumbers);
        Assert.True(page.Cursor > cursor);
        Assert.Empty((await other.GetTrialsAsync(study.Id, new TrialQuery(ChangedAfter: page.Cursor))).DeletedNumbers);
        Assert.Empty(await other.GetTrialAttrOfStudyAsync(study.Id, AttrScope.System, SystemAttrs.Slot));
        Assert.Null(await other.GetBestTrialAsync(study.Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => other.GetAttemptsAsync(gone.Id));
        Assert.False(await store.DeleteTrialAsync(keep.Id)); // running: cancel first
        // Numbers are never reused.
        var next = await store.CreateTrialAsync(study.Id);
        Assert.Equal(gone.Number + 1, next.Number);
    }

    [Fact]
    public async Task ImportTrials_MultiObjective_EveryValueKeptAndAWrongCountRefused()
    {
        var store = await StoreAsync();
        var study = await store.CreateStudyAsync(TwoObjectives());
        var (p, d) = Params();
        var good = new ImportedTrial(p, d, TrialState.Complete, null) { Values = [0.91, 1.5e9] };

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ImportTrialsAsync(study.Id, [good, good with { Values = [0.9] }]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ImportTrialsAsync(study.Id, [new ImportedTrial(p, d, TrialState.Complete, 0.9)]));
        Assert.Empty((await store.GetTrialsAsync(study.Id)).Trials);

        var imported = Assert.Single(await store.ImportTrialsAsync(study.Id, [good]));
        var read = (await store.GetTrialAsync(imported.Id))!;
        Assert.Equal(0.91, read.Value);
        Assert.Equal([0.91, 1.5e9], read.Values);
    }

    [Fact]
    public async Task ImportTrials_AllOrNothingNumberedAfterTheStudysTrials()
    {
        var (store, study) = await StudyAsync();
        await store.CreateTrialAsync(study.Id);
        var (p, d) = Params();
        var good = new ImportedTrial(p, d, TrialState.Complete, 0.7)
        {
            IntermediateValues = [new IntermediateValue(1, "val/acc", 0.5, default), new IntermediateValue(2, "val/acc", 0.7, default)],
            SystemAttrs = new Dictionary<string, JsonElement> { [SystemAttrs.Imported] = JsonSerializer.SerializeToElement("elsewhere") },
        };
        var bad = new ImportedTrial(p, d, TrialState.Complete, null);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ImportTrialsAsync(study.Id, [good, bad]));
        Assert.Single((await store.GetTrialsAsync(study.Id)).Trials);

        var imported = await store.ImportTrialsAsync(study.Id, [good, good with { State = TrialState.Pruned, Value = 0.2 }]);

        Assert.Equal([1, 2], imported.Select(t => t.Number));
        var first = (await store.GetTrialAsync(imported[0].Id))!;
        Assert.Equal((TrialState.Complete, 0.7), (first.State, first.Value!.Value));
        Assert.Equal(new Dictionary<long, double> { [1] = 0.5, [2] = 0.7 }, first.IntermediateValues);
        Assert.Equal(p["lr"], first.Params["lr"]);
        Assert.Equal(2, (await store.GetTrialAttrOfStudyAsync(study.Id, AttrScope.System, SystemAttrs.Imported)).Count);
        Assert.Equal(TrialState.Pruned, (await store.GetTrialAsync(imported[1].Id))!.State);
        Assert.Equal(3, (await store.CreateTrialAsync(study.Id)).Number);
    }

    [Fact]
    public async Task DeleteStudy_RemovesItsRowsAndNothingOfAnotherStudy()
    {
        var store = await StoreAsync();
        var doomed = await store.CreateStudyAsync(Study("doomed"));
        var kept = await store.CreateStudyAsync(Study("kept"));
        await store.SetStudyAttrAsync(doomed.Id, AttrScope.User, "note", "x");
        await store.SetStudyAttrAsync(kept.Id, AttrScope.User, "note", "y");
        var doomedTrials = new List<FrozenTrial>();
        foreach (var s in new[] { doomed, kept, doomed, kept })
        {
            var t = await RunningTrialAsync(store, s.Id);
            await store.ReportAsync(t.Id, 1, "val/acc", 0.4);
            await store.SetTrialAttrAsync(t.Id, AttrScope.System, SystemAttrs.Slot, "cpu1");
            var attempt = await store.StartAttemptAsync(t.Id, new AttemptStart("n", "cpu1"));
            await store.EndAttemptAsync(attempt!.Id, 0, "completed");
            Assert.True(await store.TryCompleteAsync(t.Id, 0.4 + t.Number));
            if (s == doomed)
                doomedTrials.Add(t);
        }
        var keptBefore = await store.GetTrialsAsync(kept.Id);
        var other = await StoreAsync();
        _ = await other.GetTrialsAsync(doomed.Id); // a second instance that has the doomed study cached

        Assert.True(await store.DeleteStudyAsync(doomed.Id));

        Assert.Null(await other.GetStudyAsync("doomed"));
        Assert.Null(await other.GetStudyAsync(doomed.Id));
        Assert.Equal(["kept"], (await other.ListStudiesAsync()).Select(s => s.Study.Name));
        foreach (var t in doomedTrials)
            Assert.Null(await other.GetTrialAsync(t.Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => other.GetTrialsAsync(doomed.Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => other.ReportAsync(doomedTrials[0].Id, 2, "val/acc", 0.1));
        // The other study is untouched: trials, values, attributes, attempts, study attributes.
        var keptAfter = await other.GetTrialsAsync(kept.Id);
        Assert.Equal(keptBefore.Trials.Select(t => (t.Number, t.Value, t.IntermediateValues.Count)), keptAfter.Trials.Select(t => (t.Number, t.Value, t.IntermediateValues.Count)));
        Assert.Equal(2, (await other.GetTrialAttrOfStudyAsync(kept.Id, AttrScope.System, SystemAttrs.Slot)).Count);
        Assert.Single(await other.GetAttemptsAsync(keptAfter.Trials[0].Id));
        Assert.Equal("y", (await other.GetStudyAttrsAsync(kept.Id, AttrScope.User))["note"].GetString());
        Assert.False(await store.DeleteStudyAsync(doomed.Id));
        // The name is free again.
        var again = await store.CreateStudyAsync(Study("doomed"));
        Assert.Empty((await store.GetTrialsAsync(again.Id)).Trials);
    }

    [Fact]
    public async Task CountTrials_HasEveryState()
    {
        var (store, study) = await StudyAsync();
        await RunningTrialAsync(store, study.Id);
        await store.CreateTrialAsync(study.Id);
        await store.CreateTrialAsync(study.Id);

        var counts = await store.CountTrialsAsync(study.Id);

        Assert.Equal(Enum.GetValues<TrialState>().Length, counts.Count);
        Assert.Equal(2, counts[TrialState.Waiting]);
        Assert.Equal(1, counts[TrialState.Running]);
        Assert.Equal(0, counts[TrialState.Pruned]);
    }

    [Theory]
    [InlineData(StudyDirection.Minimize, 1)]
    [InlineData(StudyDirection.Maximize, 2)]
    public async Task GetBestTrial_FollowsDirectionAndBreaksTiesByNumber(StudyDirection direction, int expectedNumber)
    {
        var (store, study) = await StudyAsync(direction);
        Assert.Null(await store.GetBestTrialAsync(study.Id));
        foreach (var value in new[] { 0.5, 0.1, 0.9, 0.1, 0.9 })
        {
            var t = await RunningTrialAsync(store, study.Id);
            await store.TryCompleteAsync(t.Id, value);
        }
        var pruned = await RunningTrialAsync(store, study.Id);
        await store.TryPruneAsync(pruned.Id, direction == StudyDirection.Minimize ? -5 : 5);

        var best = await store.GetBestTrialAsync(study.Id);

        Assert.Equal(expectedNumber, best!.Number);
        Assert.Equal(TrialState.Complete, best.State);
    }

    [Theory]
    [InlineData(StudyDirection.Minimize, 2)]
    [InlineData(StudyDirection.Maximize, 3)]
    public async Task GetBestTrialAndListStudies_InfiniteValues_AreNotRanked(StudyDirection direction, int expectedNumber)
    {
        var (store, study) = await StudyAsync(direction);
        foreach (var value in new[] { double.NegativeInfinity, double.PositiveInfinity, 0.25, 0.75 })
        {
            var t = await RunningTrialAsync(store, study.Id);
            Assert.True(await store.TryCompleteAsync(t.Id, value));
        }

        var best = await store.GetBestTrialAsync(study.Id);
        var listed = Assert.Single(await store.ListStudiesAsync());

        Assert.Equal(expectedNumber, best!.Number);
        Assert.Equal(best.Value, listed.BestValue);
        Assert.True(double.IsFinite(listed.BestValue!.Value));
    }

    [Fact]
    public async Task ListStudies_OnlyInfiniteValues_HasNoBestValue()
    {
        var (store, study) = await StudyAsync(StudyDirection.Minimize);
        var t = await RunningTrialAsync(store, study.Id);
        Assert.True(await store.TryCompleteAsync(t.Id, double.NegativeInfinity));

        Assert.Null(Assert.Single(await store.ListStudiesAsync()).BestValue);
        Assert.Null(await store.GetBestTrialAsync(study.Id));
    }

    [Fact]
    public async Task UnknownIds_ThrowKeyNotFound()
    {
        var (store, study) = await StudyAsync();

        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.CreateTrialAsync(study.Id + 1000));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.TryStartAsync(999_999));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.ReportAsync(999_999, 1, "val/acc", 1));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.EndAttemptAsync(999_999, 0, null));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetTrialsAsync(study.Id + 1000));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.CountTrialsAsync(study.Id + 1000));
        Assert.Null(await store.GetTrialAsync(999_999));
    }

    // ------------------------------------------------------------------ workers

    [Fact]
    public async Task Heartbeat_KeepsFirstSeenAndMovesLastSeen()
    {
        var store = await StoreAsync();
        var t0 = Clock.GetUtcNow();

        await store.HeartbeatAsync(new WorkerInfo("host-a:123", "host-a", 123, 4));
        Clock.Advance(TimeSpan.FromSeconds(2));
        var beat = await store.HeartbeatAsync(new WorkerInfo("host-a:123", "host-a", 123, 4, "2 running"));
        await store.HeartbeatAsync(new WorkerInfo("host-b:9", "host-b", 9, 1));

        Assert.Equal(new WorkerHeartbeat("host-a:123", "host-a", 123, 4, "2 running", t0, t0.AddSeconds(2)), beat);
        Assert.Equal(["host-a:123", "host-b:9"], (await store.GetWorkersAsync()).Select(w => w.WorkerId));
        Assert.True(await store.RemoveWorkerAsync("host-a:123"));
        Assert.False(await store.RemoveWorkerAsync("host-a:123"));
        Assert.Equal(["host-b:9"], (await store.GetWorkersAsync()).Select(w => w.WorkerId));
    }

    [Fact]
    public async Task Times_AreKeptToTheMillisecond_AndReturnedAsStored()
    {
        var (store, study) = await StudyAsync();
        var trial = await RunningTrialAsync(store, study.Id);
        Clock.Advance(TimeSpan.FromTicks(12_345_678)); // 1.2345678 s

        var attempt = await store.StartAttemptAsync(trial.Id, new AttemptStart("n", "cpu0"));
        var beat = await store.HeartbeatAsync(new WorkerInfo("w", "n", 1, 1));
        await store.ReportAsync(trial.Id, 1, "val/acc", 0.5);

        var expected = Clock.GetUtcNow().AddTicks(-5_678);
        Assert.Equal(expected, attempt!.Started);
        Assert.Equal(attempt, Assert.Single(await store.GetAttemptsAsync(trial.Id)));
        Assert.Equal(expected, beat.LastSeen);
        Assert.Equal(beat, Assert.Single(await store.GetWorkersAsync()));
        Assert.Equal(expected, Assert.Single(await store.GetIntermediateValuesAsync(trial.Id)).Reported);
        Assert.Equal(TimeSpan.Zero, expected.Offset);
    }

    // ------------------------------------------------------------------ durability

    [Fact]
    public async Task Everything_SurvivesClosingAndReopening()
    {
        var store = await OpenAsync(Clock);
        var study = await store.CreateStudyAsync(Study());
        var (p, d) = Params(act: true);
        var trial = await store.CreateTrialAsync(study.Id, p, d);
        await store.TryStartAsync(trial.Id);
        var attempt = await store.StartAttemptAsync(trial.Id, new AttemptStart("n", "cpu0"));
        await store.ReportAsync(trial.Id, 5, "val/acc", 0.7);
        await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "log", "trial-0.log");
        await store.TryCompleteAsync(trial.Id, 0.7);
        await store.HeartbeatAsync(new WorkerInfo("w", "n", 1, 1));
        var before = Describe((await store.GetTrialAsync(trial.Id))!);
        await CloseAsync(store);

        var reopened = await StoreAsync();

        Assert.Equal(study.SearchSpaceFingerprint, (await reopened.GetStudyAsync("fmnist"))!.SearchSpaceFingerprint);
        Assert.Equal(before, Describe((await reopened.GetTrialAsync(trial.Id))!));
        Assert.Equal(attempt!.Id, Assert.Single(await reopened.GetAttemptsAsync(trial.Id)).Id);
        Assert.Equal("trial-0.log", (await reopened.GetTrialAttrsAsync(trial.Id, AttrScope.System))["log"].GetString());
        Assert.Single(await reopened.GetWorkersAsync());
        Assert.Equal(1, (await reopened.CreateTrialAsync(study.Id)).Number);
    }

    /// <summary>A trial as comparable text (records compare dictionaries by reference).</summary>
    protected static string Describe(FrozenTrial t) => string.Join("|",
        t.Id, t.Number, t.State, t.Value, t.Started, t.Finished, t.FailReason,
        string.Join(",", t.Params.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}:{p.Value.GetType().Name}")),
        string.Join(",", t.Distributions.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")),
        string.Join(",", t.IntermediateValues.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
}
