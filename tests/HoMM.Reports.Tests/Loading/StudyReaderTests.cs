using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Reports.Html;
using HoMM.Reports.Loading;
using HoMM.Storage;
using HoMM.Storage.Serialization;
using HoMM.Storage.Sqlite;

namespace HoMM.Reports.Tests.Loading;

/// <summary>Reads real SQLite stores seeded through <see cref="ITrialStore"/>.</summary>
public sealed class StudyReaderTests : IAsyncLifetime
{
    private static readonly FloatDistribution Lr = new(1e-5, 1e-1, log: true);
    private readonly string _dir = Directory.CreateTempSubdirectory("homm-reader-").FullName;
    private SqliteTrialStore _store = null!;
    private StudyRecord _study = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteTrialStore.OpenAsync(Path.Combine(_dir, "homm.db"), timeProvider: new FixedTimeProvider(TrialFactory.T0));
        _study = await _store.CreateStudyAsync(new NewStudy("fmnist", StudyDirection.Maximize, "val/acc",
            new SearchSpaceDefinition([new ParameterSpec("lr", Lr)])));
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<FrozenTrial> TrialAsync(double lr)
    {
        var trial = await _store.CreateTrialAsync(_study.Id,
            new Dictionary<string, object> { ["lr"] = lr }, new Dictionary<string, Distribution> { ["lr"] = Lr });
        return trial;
    }

    private async Task<TrialAttempt> StartAsync(FrozenTrial trial, string node, string slot)
    {
        Assert.True(await _store.TryStartAsync(trial.Id));
        return (await _store.StartAttemptAsync(trial.Id, new AttemptStart(node, slot, Pid: 4242)))!;
    }

    private Task SetAttrAsync(FrozenTrial trial, string key, object value) =>
        _store.SetTrialAttrAsync(trial.Id, AttrScope.System, key, JsonSerializer.SerializeToElement(value));

    [Fact]
    public async Task LoadAsync_UnknownStudy_IsNull()
    {
        Assert.Null(await StudyReader.LoadAsync(_store, "nope"));
    }

    [Fact]
    public async Task LoadAsync_SeededStudy_ReadsTrialsValuesAttrsAndAttempts()
    {
        var done = await TrialAsync(1e-3);
        await StartAsync(done, "node-a", "cpu0");
        await SetAttrAsync(done, "slot", "cpu0");
        await SetAttrAsync(done, "info/params", 26_000_000L);
        await SetAttrAsync(done, "info/flops", "1.5e9");
        await SetAttrAsync(done, "info/device", "cpu");
        await SetAttrAsync(done, "trial_dir", "/runs/fmnist/trial-0");
        await _store.ReportAsync(done.Id, 100, "val/acc", 0.8);
        await _store.ReportAsync(done.Id, 200, "val/acc", 0.85);
        await _store.SetTrialAttrAsync(done.Id, AttrScope.System, SystemAttrs.FinalMetrics,
            FinalMetricsJson.ToJson(new Dictionary<string, double> { ["val/acc"] = 0.85, ["test/acc"] = 0.83, ["test/loss"] = double.NaN }));
        Assert.True(await _store.TryCompleteAsync(done.Id, 0.85));
        var running = await TrialAsync(1e-2);
        await StartAsync(running, "node-b", "gpu1");
        await TrialAsync(1e-4);

        var loaded = await StudyReader.LoadAsync(_store, "fmnist");

        Assert.NotNull(loaded);
        Assert.Equal([0, 1, 2], loaded.Snapshot.Trials.Select(t => t.Number));
        Assert.Equal("val/acc", loaded.Snapshot.ObjectiveName);
        Assert.Equal(new Dictionary<long, double> { [100] = 0.8, [200] = 0.85 }, loaded.Snapshot.Trials[0].IntermediateValues);
        var first = loaded.Extras[0];
        Assert.Equal(26_000_000, first.ModelParams);
        Assert.Equal(1.5e9, first.Flops);
        Assert.Equal("cpu", first.Info["device"].GetString());
        Assert.Equal("cpu0", first.Slot);
        Assert.Equal("/runs/fmnist/trial-0", first.TrialDir);
        Assert.Equal(0.83, first.TestAccuracy);
        Assert.True(double.IsNaN(first.FinalMetrics["test/loss"]));
        Assert.Null(loaded.Extras[1].TestAccuracy);
        Assert.Null(loaded.Extras[1].TrialDir);
        Assert.Equal("gpu1", loaded.Extras[1].Slot);
        Assert.Equal(4242, loaded.Extras[1].LastAttempt!.Pid);
        Assert.Null(loaded.Extras[1].ModelParams);
        Assert.Empty(loaded.Extras[2].Attempts);
        Assert.Null(loaded.Extras[2].Slot);

        var report = loaded.ToReport();

        // Two nodes: slots are named with their node.
        Assert.Equal(new Dictionary<int, string> { [0] = "node-a/cpu0", [1] = "node-b/gpu1" }, report.SlotByTrial);
        Assert.Equal(new Dictionary<int, ModelSize> { [0] = new(26_000_000, 1.5e9) }, report.ModelSizeByTrial);
        Assert.Equal(new Dictionary<int, double> { [0] = 0.83 }, report.TestAccuracyByTrial);
        Assert.Equal(["lr"], report.SearchSpace!.Parameters.Select(p => p.Name));
    }

    [Fact]
    public async Task ToReport_OneNode_SlotsWithoutNodeNames()
    {
        var a = await TrialAsync(1e-3);
        await StartAsync(a, "node-a", "cpu0");
        var b = await TrialAsync(1e-3);
        await StartAsync(b, "node-a", "cpu1");

        var report = (await StudyReader.LoadAsync(_store, "fmnist"))!.ToReport();

        Assert.Equal(new Dictionary<int, string> { [0] = "cpu0", [1] = "cpu1" }, report.SlotByTrial);
        Assert.Empty(report.ModelSizeByTrial!);
    }

    [Fact]
    public async Task RefreshAsync_AfterChanges_ReadsOnlyChangedTrialsAndKeepsTheOldStateIntact()
    {
        var a = await TrialAsync(1e-3);
        await TrialAsync(1e-2);
        await StartAsync(a, "node-a", "cpu0");
        using var reader = (await StudyReader.OpenAsync(_store, "fmnist"))!;
        var before = reader.Current;

        Assert.Empty(await reader.RefreshAsync());
        await SetAttrAsync(a, "info/params", 1000);
        Assert.True(await _store.TryCompleteAsync(a.Id, 0.9));
        await TrialAsync(1e-4);
        var changed = await reader.RefreshAsync();

        Assert.Equal([0, 2], changed.Order());
        var now = reader.Current;
        Assert.Equal([0, 1, 2], now.Snapshot.Trials.Select(t => t.Number));
        Assert.Equal(TrialState.Complete, now.Snapshot.Trials[0].State);
        Assert.Equal(1000, now.Extras[0].ModelParams);
        Assert.True(now.Cursor > before.Cursor);
        Assert.Equal(TrialState.Running, before.Snapshot.Trials[0].State);
        Assert.Equal(2, before.Snapshot.Trials.Count);
        Assert.Null(before.Extras[0].ModelParams);
    }

    [Theory]
    [InlineData("123", 123.0)]
    [InlineData("\"4.5e6\"", 4.5e6)]
    [InlineData("-1", null)]
    [InlineData("\"many\"", null)]
    [InlineData("null", null)]
    [InlineData("{\"n\": 3}", null)]
    public void ModelParams_AttrValue_ParsedWhenANonNegativeNumber(string json, double? expected)
    {
        var extras = new TrialExtras(0, new Dictionary<string, JsonElement> { ["info/params"] = JsonDocument.Parse(json).RootElement }, []);

        Assert.Equal(expected, extras.ModelParams);
    }
}
