using HoMM.Dispatch.Driver;
using HoMM.Storage;
using HoMM.Storage.Sqlite;
using HoMM.StudyFiles;

namespace HoMM.Dispatch.Tests.Driver;

/// <summary>A study's identity: search space, objective and the fixed trainer settings that change what a trial learns.</summary>
public sealed class StudyOpenerTests : IDisposable
{
    private const string Study = """
        name: identity
        objective: {metric: val/acc, direction: maximize}
        search_space:
          lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
        budget: {max_trials: 4}
        trainer:
          model: {dim: 32, layers: 2, patch: 7, order: 2, order_expand: 4}
          optim: {steps: 800, batch: 64}
          data: {dataset: fashion-mnist}
          eval_every: 200
        """;

    private readonly TempDir _dir = new();
    private SqliteTrialStore? _store;

    public void Dispose()
    {
        _store?.Dispose();
        _dir.Dispose();
    }

    private async Task<SqliteTrialStore> StoreAsync() => _store ??= await SqliteTrialStore.OpenAsync(Path.Combine(_dir.Path, "homm.db"));

    private static StudyDefinition Parse(string yaml) => StudyFile.Parse(yaml, "identity.yaml").Definition
        ?? throw new InvalidOperationException(string.Join("\n", StudyFile.Parse(yaml, "identity.yaml").Diagnostics));

    [Fact]
    public async Task OpenOrCreateAsync_ChangedFixedSettings_RefusedWithEachChangeListed()
    {
        var store = await StoreAsync();
        await StudyOpener.OpenOrCreateAsync(store, Parse(Study));
        var changed = Study.Replace("dim: 32", "dim: 128", StringComparison.Ordinal).Replace("steps: 800", "steps: 5000", StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<StudyChangedException>(() => StudyOpener.OpenOrCreateAsync(store, Parse(changed)));

        Assert.Equal(["trainer.model.dim 32 → 128", "trainer.optim.steps 800 → 5000"], e.Changes);
        Assert.Contains("--fork <new-name>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenOrCreateAsync_ChangedObjectiveAndDefaultedSetting_Refused()
    {
        var store = await StoreAsync();
        await StudyOpener.OpenOrCreateAsync(store, Parse(Study));
        var changed = Study.Replace("val/acc, direction: maximize", "val/loss, direction: minimize", StringComparison.Ordinal)
            .Replace("order_expand: 4}", "order_expand: 4, dropout: 0.1}", StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<StudyChangedException>(() => StudyOpener.OpenOrCreateAsync(store, Parse(changed)));

        Assert.Equal(["objective val/acc (maximize) → val/loss (minimize)", "trainer.model.dropout 0 → 0.1"], e.Changes);
    }

    [Fact]
    public async Task OpenOrCreateAsync_ChangedRunSettingsOnly_Resumes()
    {
        var store = await StoreAsync();
        var (first, _) = await StudyOpener.OpenOrCreateAsync(store, Parse(Study));
        var changed = Study.Replace("eval_every: 200", "eval_every: 100\n  threads: 3\n  device: cpu", StringComparison.Ordinal)
            .Replace("{dataset: fashion-mnist}", "{dataset: fashion-mnist, path: /mnt/other/fashion-mnist}", StringComparison.Ordinal);

        var (again, created) = await StudyOpener.OpenOrCreateAsync(store, Parse(changed));

        Assert.False(created);
        Assert.Equal(first.Id, again.Id);
    }

    [Fact]
    public async Task OpenOrCreateAsync_StudyCreatedBeforeSettingsWereIdentity_ResumesThenAdoptsThem()
    {
        var store = await StoreAsync();
        var definition = Parse(Study);
        // As an older homm-search created it: no trainer identity stored.
        var old = await store.CreateStudyAsync(new NewStudy("identity", definition.Objective.Direction, definition.Objective.Metric, definition.SearchSpace));

        var (resumed, created) = await StudyOpener.OpenOrCreateAsync(store, definition);
        var e = await Assert.ThrowsAsync<StudyChangedException>(() => StudyOpener.OpenOrCreateAsync(store, Parse(Study.Replace("layers: 2", "layers: 6", StringComparison.Ordinal))));

        Assert.False(created);
        Assert.Equal(old.Id, resumed.Id);
        Assert.Equal(["trainer.model.layers 2 → 6"], e.Changes);
    }
}
