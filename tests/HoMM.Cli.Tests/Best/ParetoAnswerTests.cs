using System.Text.Json;
using HoMM.Cli.Tests.Common;
using HoMM.Cli.Tests.Export;
using HoMM.Cli.Tests.Validate;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Sqlite;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.Cli.Tests.Best;

/// <summary>
/// <c>best</c> and <c>export</c> on a two-objective study (maximize val/acc, minimize info/flops):
/// trials 0 (0.80, 1e6), 1 (0.90, 4e6), 2 (0.85, 5e6: dominated by 1), 3 (0.95, 9e6) complete,
/// 4 failed, 5 waiting. The front is {0, 1, 3}; read best first by val/acc: 3, 1, 0.
/// </summary>
public sealed class ParetoAnswerTests : IAsyncLifetime, IDisposable
{
    private static readonly FloatDistribution Lr = new(1e-4, 1e-2, log: true);
    private static readonly IntDistribution Order = new(1, 4);
    private static readonly (double Lr, long Order, double Acc, double Flops)[] Complete =
        [(1e-3, 1, 0.80, 1e6), (2e-3, 2, 0.90, 4e6), (3e-3, 2, 0.85, 5e6), (4e-3, 4, 0.95, 9e6)];

    private readonly SeededStore db = new();

    /// <summary>The seeded study file with its objective replaced by the two objectives.</summary>
    private static readonly string StudyText = BrokenStudyCorpus.Valid.ReplaceLineEndings("\n").Replace(
        "objective:\n  metric: val/acc\n  direction: maximize\n",
        "objectives:\n  - {metric: val/acc, direction: maximize}\n  - {metric: info/flops, direction: minimize}\n", StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        Assert.Contains("objectives:", StudyText, StringComparison.Ordinal);
        using var store = await SqliteTrialStore.OpenAsync(db.DbPath);
        var space = new SearchSpaceDefinition([new ParameterSpec("lr", Lr), new ParameterSpec("order", Order)]);
        var study = await store.CreateStudyAsync(NewStudy.WithObjectives("pareto",
            [new StudyObjective("val/acc", StudyDirection.Maximize), new StudyObjective("info/flops", StudyDirection.Minimize)], space));
        await store.SetStudyAttrAsync(study.Id, AttrScope.System, SystemAttrs.StudyFile, StudyText);
        foreach (var (lr, order, acc, flops) in Complete)
        {
            var t = await CreateAsync(store, study.Id, lr, order);
            Assert.True(await store.TryStartAsync(t.Id));
            Assert.True(await store.TryCompleteAsync(t.Id, [acc, flops]));
        }
        var failed = await CreateAsync(store, study.Id, 5e-3, 3);
        Assert.True(await store.TryStartAsync(failed.Id));
        Assert.True(await store.TrySetStateAsync(failed.Id, TrialState.Fail, TrialState.Running, reason: "diverged"));
        await CreateAsync(store, study.Id, 6e-3, 1);
    }

    private static Task<FrozenTrial> CreateAsync(ITrialStore store, long studyId, double lr, long order) =>
        store.CreateTrialAsync(studyId,
            new Dictionary<string, object> { ["lr"] = lr, ["order"] = order },
            new Dictionary<string, Distribution> { ["lr"] = Lr, ["order"] = Order });

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => db.Dispose();

    private static HommTrainerSettings Settings(int trial)
    {
        var trainer = Assert.IsType<HommTrainerDefinition>(StudyFile.Parse(StudyText).Definition!.Trainer);
        return trainer.Resolve(new Dictionary<string, object> { ["lr"] = Complete[trial].Lr, ["order"] = Complete[trial].Order });
    }

    [Fact]
    public async Task Best_MultiObjectiveJson_TheWholeFrontBestFirstWithEveryValueAndSettings()
    {
        var (exit, output, error) = await SeededStore.RunAsync("best", "pareto", "--format", "json", "--db", db.DbPath);

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("pareto_front", root.GetProperty("answer").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("best_for").ValueKind);
        var objectives = root.GetProperty("study").GetProperty("objectives").EnumerateArray().ToList();
        Assert.Equal(["val/acc", "info/flops"], objectives.Select(o => o.GetProperty("metric").GetString()));
        Assert.Equal("minimize", objectives[1].GetProperty("direction").GetString());
        var best = root.GetProperty("best").EnumerateArray().ToList();
        Assert.Equal([3, 1, 0], best.Select(b => b.GetProperty("number").GetInt32()));
        Assert.Equal(0.95, best[0].GetProperty("value").GetDouble());
        Assert.Equal(9e6, best[0].GetProperty("values").GetProperty("info/flops").GetDouble());
        Assert.Equal(0.80, best[2].GetProperty("values").GetProperty("val/acc").GetDouble());
        Assert.Equal(Settings(1), HommTrainerSettingsJson.FromJson(best[1].GetProperty("settings")));
    }

    [Fact]
    public async Task Best_MultiObjectiveYaml_OneDocumentPerFrontMemberEachATrainerBlock()
    {
        var (exit, output, error) = await SeededStore.RunAsync("best", "pareto", "--db", db.DbPath);

        Assert.True(exit == 0, error);
        var documents = output.ReplaceLineEndings("\n").Split("---\n");
        Assert.Equal(3, documents.Length);
        Assert.StartsWith("# study 'pareto', trial 3, Pareto front 1 of 3: val/acc = 0.95, info/flops = 9000000\ntrainer:\n", documents[0], StringComparison.Ordinal);
        Assert.StartsWith("# study 'pareto', trial 0, Pareto front 3 of 3: val/acc = 0.8, info/flops = 1000000\n", documents[2], StringComparison.Ordinal);
        // Each document is a trainer block the study file takes back, resolving to that trial's settings.
        var start = StudyText.IndexOf("trainer:\n", StringComparison.Ordinal);
        var end = StudyText.IndexOf("resources:", StringComparison.Ordinal);
        var file = StudyText[..start] + documents[1][(documents[1].IndexOf('\n') + 1)..] + StudyText[end..];
        var parsed = StudyFile.Parse(file, "front.yaml");
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));
        Assert.Equal(Settings(1), Assert.IsType<HommTrainerDefinition>(parsed.Definition.Trainer).Resolve(new Dictionary<string, object>()));
    }

    [Fact]
    public async Task Best_MultiObjectiveFlags_ACommentAndAFlagsLinePerFrontMember()
    {
        var (exit, output, error) = await SeededStore.RunAsync("best", "pareto", "--format", "flags", "--db", db.DbPath);

        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.Equal(["# trial 3: val/acc = 0.95, info/flops = 9000000", "# trial 1: val/acc = 0.9, info/flops = 4000000", "# trial 0: val/acc = 0.8, info/flops = 1000000"],
            lines.Where((_, i) => i % 2 == 0));
        Assert.Equal(HommSettingsText.ToFlags(Settings(0)), lines[5]);
    }

    [Theory]
    [InlineData("info/flops", 0)]
    [InlineData("val/acc", 3)]
    public async Task Best_Objective_TheBestTrialForThatObjectiveAlone(string metric, int expected)
    {
        var (exit, output, error) = await SeededStore.RunAsync("best", "pareto", "--objective", metric, "--format", "json", "--db", db.DbPath);

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("best", doc.RootElement.GetProperty("answer").GetString());
        Assert.Equal(metric, doc.RootElement.GetProperty("best_for").GetString());
        var best = Assert.Single(doc.RootElement.GetProperty("best").EnumerateArray());
        Assert.Equal(expected, best.GetProperty("number").GetInt32());

        (exit, output, error) = await SeededStore.RunAsync("best", "pareto", "--objective", metric, "--format", "flags", "--db", db.DbPath);
        Assert.True(exit == 0, error);
        Assert.Equal(HommSettingsText.ToFlags(Settings(expected)), Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Best_UnknownObjective_ErrorNamesTheStudysObjectives()
    {
        var (exit, output, error) = await SeededStore.RunAsync("best", "pareto", "--objective", "val/loss", "--db", db.DbPath);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("--objective val/loss: study 'pareto' has no such objective; its objectives are val/acc, info/flops", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_MultiObjectiveCsv_ValuesParetoAndFrontRankColumns()
    {
        var (exit, output, error) = await SeededStore.RunAsync("export", "pareto", "--format", "csv", "--db", db.DbPath);

        Assert.True(exit == 0, error);
        var records = ExportCommandTests.ParseCsv(output);
        Assert.Equal(["number", "state", "value", "values.val/acc", "values.info/flops", "pareto", "front_rank", "started"], records[0].Take(8));
        Assert.Equal(7, records.Count);
        Assert.Equal(["0", "complete", "0.8", "0.8", "1000000", "true", "0"], records[1].Take(7));
        Assert.Equal(["2", "complete", "0.85", "0.85", "5000000", "false", "1"], records[3].Take(7));
        Assert.Equal(["3", "complete", "0.95", "0.95", "9000000", "true", "0"], records[4].Take(7));
        Assert.Equal(["4", "failed", "", "", "", "false", ""], records[5].Take(7));
        Assert.Equal(["5", "waiting", "", "", "", "false", ""], records[6].Take(7));
    }

    [Fact]
    public async Task Export_MultiObjectiveJson_ValuesParetoAndFrontRankPerTrial()
    {
        var (exit, output, error) = await SeededStore.RunAsync("export", "pareto", "--format", "json", "--db", db.DbPath);

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var trials = doc.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal([true, true, false, true, false, false], trials.Select(t => t.GetProperty("pareto").GetBoolean()));
        Assert.Equal([0, 0, 1, 0, -1, -1], trials.Select(t => t.GetProperty("front_rank") is { ValueKind: JsonValueKind.Number } r ? r.GetInt32() : -1));
        Assert.Equal(4e6, trials[1].GetProperty("values").GetProperty("info/flops").GetDouble());
        Assert.Equal(JsonValueKind.Null, trials[4].GetProperty("values").ValueKind);

        // trials --json marks the same way, ranked over the whole study even when it lists a part.
        (exit, output, error) = await SeededStore.RunAsync("trials", "pareto", "--json", "--state", "complete", "--db", db.DbPath);
        Assert.True(exit == 0, error);
        using var listed = JsonDocument.Parse(output);
        Assert.Contains(listed.RootElement.GetProperty("trials").EnumerateArray(), t => t.GetProperty("number").GetInt32() == 2 && t.GetProperty("front_rank").GetInt32() == 1);
    }
}
