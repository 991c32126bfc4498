using System.Text.Json;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Storage;
using HoMM.Storage.Sqlite;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Constraints;

namespace HoMM.Dispatch.Tests.Driver;

/// <summary>
/// <c>run --fork</c> with history: the study "hist" searched lr in [1e-3, 1e-1]; its fork widens the
/// range down to 1e-4 and cuts it at 1e-2. The fork starts with every finished trial of the old one
/// inside the new range, and TPE's first proposal is a model-based one built on them.
/// </summary>
public sealed class StudyHistoryTests : IDisposable
{
    private const string Trainer = """
        trainer:
          model: {dim: 32, layers: 2, patch: 7, order: 2, order_expand: 4}
          optim: {steps: 800, batch: 64}
          data: {dataset: fashion-mnist}
          eval_every: 200
        """;

    // lr → (state, value): four good ones near 2e-3, the rest worse; 1.5e-2 and above fall outside the fork's range.
    private static readonly (double Lr, TrialState State, double? Value)[] OldTrials =
    [
        (1.5e-3, TrialState.Complete, 0.90), (2e-3, TrialState.Complete, 0.91), (2.5e-3, TrialState.Complete, 0.90), (3e-3, TrialState.Complete, 0.89),
        (6e-3, TrialState.Complete, 0.40), (9e-3, TrialState.Complete, 0.35), (4e-3, TrialState.Pruned, 0.50), (7e-3, TrialState.Fail, null),
        (1.5e-2, TrialState.Complete, 0.30), (3e-2, TrialState.Complete, 0.20), (9e-2, TrialState.Complete, 0.10),
        (2e-3, TrialState.Cancelled, null), (2e-3, TrialState.Waiting, null),
    ];

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string OneObjective = "objective: {metric: val/acc, direction: maximize}";

    private StudyDefinition Write(string file, string lr, string extra = "", string objective = OneObjective)
    {
        var path = Path.Combine(_dir.Path, file);
        File.WriteAllText(path, $"""
            name: hist
            {objective}
            search_space:
              lr: {lr}
            sampler: {"{"}kind: tpe, seed: 4, n_startup_trials: 5{"}"}
            budget: {"{"}max_trials: 20{"}"}
            {Trainer.Replace("dim: 32", "dim: 32" + extra, StringComparison.Ordinal)}
            """);
        return StudyFile.LoadOrThrow(path);
    }

    private async Task<(SqliteTrialStore Store, StudyDefinition Old)> OldStudyAsync()
    {
        var store = await SqliteTrialStore.OpenAsync(Path.Combine(_dir.Path, "homm.db"));
        var old = Write("old.yaml", "{type: float, low: 1.0e-3, high: 1.0e-1, log: true}");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(store, old);
        var lr = old.SearchSpace.Find("lr")!.Distribution;
        foreach (var (x, state, value) in OldTrials)
        {
            var t = await store.CreateTrialAsync(study.Id, new Dictionary<string, object> { ["lr"] = x }, new Dictionary<string, Distribution> { ["lr"] = lr });
            if (state == TrialState.Waiting)
                continue;
            if (state == TrialState.Cancelled)
            {
                await store.CancelAsync(t.Id, "tester", null);
                continue;
            }
            Assert.True(await store.TryStartAsync(t.Id));
            await store.ReportAsync(t.Id, 200, new Dictionary<string, double> { ["val/acc"] = value ?? 0.1, ["train/loss"] = 1.0 });
            Assert.True(await store.TrySetStateAsync(t.Id, state, TrialState.Running, value, state == TrialState.Fail ? "diverged" : null));
        }
        return (store, old);
    }

    [Fact]
    public async Task Fork_WidenedLr_StartsWithTheOldFinishedTrialsInsideTheNewRangeAndTpeUsesThem()
    {
        var (store, _) = await OldStudyAsync();
        using var _ = store;
        var widened = Write("wide.yaml", "{type: float, low: 1.0e-4, high: 1.0e-2, log: true}");
        var (fork, created) = await StudyOpener.OpenOrCreateAsync(store, widened, "hist-wide");
        Assert.True(created);
        var rules = StudyRules.For(widened, null);

        var copied = await StudyHistory.CopyAsync(store, "hist", fork, widened, rules);

        // 6 complete, 1 pruned and 1 failed trial lie in [1e-4, 1e-2]; the cancelled and waiting ones are not results.
        var inRange = OldTrials.Where(t => t.Lr <= 1e-2 && t.State is TrialState.Complete or TrialState.Pruned or TrialState.Fail).ToList();
        Assert.Equal(8, inRange.Count);
        Assert.Equal(inRange.Count, copied.Count);
        var trials = (await store.GetTrialsAsync(fork.Id)).Trials;
        Assert.Equal(inRange.Select(t => (t.Lr, t.State, t.Value)), trials.Select(t => ((double)t.Params["lr"], t.State, t.Value)));
        var imported = await store.GetTrialAttrOfStudyAsync(fork.Id, AttrScope.System, SystemAttrs.Imported);
        Assert.Equal(trials.Count, imported.Count);
        Assert.Equal("hist", imported[trials[0].Id].GetProperty("study").GetString());
        Assert.Equal(2, (await store.GetIntermediateValuesAsync(trials[0].Id)).Count);
        Assert.Equal(((FloatDistribution)widened.SearchSpace.Find("lr")!.Distribution).Low, ((FloatDistribution)trials[0].Distributions["lr"]).Low);

        // The sampler's first proposal: TPE past its 5 start-up trials, so built on the imported ones.
        var warm = await ProposeFirstAsync(store, fork, widened, rules);
        var coldStudy = (await StudyOpener.OpenOrCreateAsync(store, widened, "hist-cold")).Study;
        for (var i = 0; i < copied.Count; i++)
            await store.CancelAsync((await store.CreateTrialAsync(coldStudy.Id)).Id, "tester", "same trial number, no history");
        var cold = await ProposeFirstAsync(store, coldStudy, widened, rules);
        // A start-up point is a function of the seed and the trial number alone (TrialRandom), so the
        // same trial number of a study without history gets it: the fork's first proposal is another.
        Assert.NotEqual(cold, warm);
        Assert.InRange(warm, 1e-4, 1e-2);
    }

    [Fact]
    public async Task Fork_MultiObjective_CopiesEveryValueOnlyWhenTheObjectivesAreTheSame()
    {
        const string Two = "objectives: [{metric: val/acc, direction: maximize}, {metric: info/params, direction: minimize}]";
        using var store = await SqliteTrialStore.OpenAsync(Path.Combine(_dir.Path, "mo.db"));
        var range = "{type: float, low: 1.0e-3, high: 1.0e-1, log: true}";
        var old = Write("mo-old.yaml", range, objective: Two);
        var (study, _) = await StudyOpener.OpenOrCreateAsync(store, old);
        var lr = old.SearchSpace.Find("lr")!.Distribution;
        foreach (var (x, values) in new[] { (2e-3, new[] { 0.9, 5e5 }), (5e-3, new[] { 0.8, 2e5 }) })
        {
            var t = await store.CreateTrialAsync(study.Id, new Dictionary<string, object> { ["lr"] = x }, new Dictionary<string, Distribution> { ["lr"] = lr });
            Assert.True(await store.TryStartAsync(t.Id));
            Assert.True(await store.TryCompleteAsync(t.Id, values));
        }

        var same = Write("mo-same.yaml", range, objective: Two);
        var (fork, _) = await StudyOpener.OpenOrCreateAsync(store, same, "mo-fork");
        var copied = await StudyHistory.CopyAsync(store, "hist", fork, same, StudyRules.For(same, null));
        Assert.Equal(2, copied.Count);
        Assert.Equal([[0.9, 5e5], [0.8, 2e5]], (await store.GetTrialsAsync(fork.Id)).Trials.Select(t => t.Values!.ToArray()));

        var single = Write("mo-single.yaml", range);
        var (other, _) = await StudyOpener.OpenOrCreateAsync(store, single, "single-fork");
        Assert.Empty(await StudyHistory.CopyAsync(store, "hist", other, single, StudyRules.For(single, null)));
    }

    [Fact]
    public async Task Fork_ChangedFixedSetting_CopiesNothing()
    {
        var (store, _) = await OldStudyAsync();
        using var _ = store;
        var bigger = Write("bigger.yaml", "{type: float, low: 1.0e-4, high: 1.0e-2, log: true}", extra: "0");
        Assert.Equal(320L, ((StudyFiles.Trainer.HommTrainerDefinition)bigger.Trainer).Fixed["dim"]);
        var (fork, _) = await StudyOpener.OpenOrCreateAsync(store, bigger, "hist-320");

        var copied = await StudyHistory.CopyAsync(store, "hist", fork, bigger, StudyRules.For(bigger, null));

        Assert.Empty(copied);
    }

    private static async Task<double> ProposeFirstAsync(ITrialStore store, StudyRecord study, StudyDefinition definition, TrialRules rules)
    {
        var sampler = SamplerCatalog.Create(definition.Sampler.Kind,
            definition.Sampler.Options.ToDictionary(kv => kv.Key, kv => (object?)kv.Value), definition.Sampler.Seed);
        var pending = await store.CreateTrialAsync(study.Id);
        var all = (await store.GetTrialsAsync(study.Id)).Trials.Select(t => t.Id == pending.Id ? t with { State = TrialState.Running } : t);
        var proposal = new TrialProposer(rules, sampler).Propose(new StudySnapshot(study.Direction, study.SearchSpace, all), pending with { State = TrialState.Running });
        return (double)proposal["lr"];
    }
}
