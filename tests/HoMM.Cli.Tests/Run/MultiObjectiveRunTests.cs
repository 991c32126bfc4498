using HoMM.Cli.Status;
using HoMM.Cli.Trials;
using HoMM.Core.MultiObjective;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Run;

/// <summary>Multi-objective studies through <c>run</c>: a custom trainer and homm-train, then status and trials --pareto.</summary>
public class MultiObjectiveRunTests
{
    // Accuracy rises with width, cost (reported in an info line, as homm-train does) rises faster:
    // a real trade-off, so the front has several members.
    private const string Trainer = """
        import json, sys
        w = float(sys.argv[1]); d = float(sys.argv[2])
        print(json.dumps({"info": {"flops": w * w * d * 1000.0}}), flush=True)
        acc = 1.0 - 1.0 / (1.0 + w * d)
        for s in (1, 2):
            print(json.dumps({"step": s, "metrics": {"val/acc": acc * s / 2}}), flush=True)
        print(json.dumps({"final": {"val/acc": acc}}), flush=True)
        """;

    private static async Task RunAsync(RunFolder folder, string study)
    {
        using var run = folder.StartRun(study);
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await run.WaitForExitAsync(guard.Token);
        Assert.True(run.ExitCode == 0, string.Join('\n', folder.Output));
    }

    [Fact]
    public async Task Run_CustomTrainerAccuracyAgainstInfoFlops_CompletesTrialsWithBothValuesAndListsTheFront()
    {
        using var folder = new RunFolder();
        File.WriteAllText(Path.Combine(folder.Dir, "tradeoff.py"), Trainer);
        var study = Path.Combine(folder.Dir, "pareto.yaml");
        File.WriteAllText(study, """
            name: pareto
            objectives:
              - {metric: val/acc, direction: maximize}
              - {metric: info/flops, direction: minimize}
            search_space:
              width: {type: float, low: 0.1, high: 4.0}
              depth: {type: int, low: 1, high: 4}
            constraints:
              - width * depth <= 12
            sampler: {kind: nsga2, seed: 3, population_size: 4}
            pruner: {kind: median, n_startup_trials: 2}
            budget: {max_trials: 10, max_parallel: 2}
            enqueue:
              - {width: 1.0, depth: 1}
            trainer:
              command: [python3, tradeoff.py, "{width}", "{depth}"]
            resources: {cpu_slots: 2}
            """);

        await RunAsync(folder, study);

        using (var store = await SqliteTrialStore.OpenAsync(folder.Db))
        {
            var record = (await store.GetStudyAsync("pareto"))!;
            Assert.Equal([StudyDirection.Maximize, StudyDirection.Minimize], record.Directions);
            var trials = (await store.GetTrialsAsync(record.Id)).Trials;
            Assert.Equal(10, trials.Count);
            Assert.Equal(1.0, trials[0].Params["width"]);
            var complete = trials.Where(t => t.State == TrialState.Complete).ToList();
            Assert.NotEmpty(complete);
            foreach (var t in complete)
            {
                var w = (double)t.Params["width"];
                var d = (long)t.Params["depth"];
                Assert.True(w * d <= 12 + 1e-9);
                Assert.Equal(2, t.Values!.Count);
                Assert.Equal(1.0 - 1.0 / (1.0 + w * d), t.Values[0], 9);
                Assert.Equal(w * w * d * 1000.0, t.Values[1], 6);
                Assert.Equal(t.Values[0], t.Value);
            }
            Assert.True(ParetoFrontRule.Front(trials, record.Directions).Count >= 2);
        }

        using var status = new StringWriter();
        Assert.Equal(0, await StatusCommand.RunAsync(folder.Db, "pareto", status, TextWriter.Null, terminal: false, TimeProvider.System));
        Assert.Contains("objectives maximize val/acc, minimize info/flops", status.ToString(), StringComparison.Ordinal);
        Assert.Contains("on the Pareto front", status.ToString(), StringComparison.Ordinal);

        using var front = new StringWriter();
        Assert.Equal(0, await TrialsCommand.RunAsync(folder.Db, "pareto", new TrialsOptions([]) { Pareto = true }, front, TextWriter.Null, terminal: false, TimeProvider.System));
        var lines = front.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("info/flops", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length - 1 >= 2, front.ToString());
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_HommTrainAccuracyAgainstFlops_CompletesWithTheFlopsHommTrainReported()
    {
        using var folder = new RunFolder();
        var study = Path.Combine(folder.Dir, "homm-pareto.yaml");
        File.WriteAllText(study, """
            name: homm-pareto
            objectives:
              - {metric: val/acc, direction: maximize}
              - {metric: info/flops, direction: minimize}
            search_space:
              order: {type: int, low: 1, high: 3}
              ffw_expand: {type: int, low: 1, high: 3}
            sampler: {kind: tpe, seed: 2, n_startup_trials: 2}
            budget: {max_trials: 4, max_parallel: 2, trial_timeout: 5m}
            trainer:
              model: {dim: 16, layers: 1, patch: 7, order: 2, order_expand: 2, ffw_expand: 2}
              optim: {lr: 5.0e-3, warmup: 5, steps: 20, batch: 32}
              data: {dataset: fashion-mnist}
              eval_every: 10
              device: cpu
            resources: {cpu_slots: 2}
            """);

        await RunAsync(folder, study);

        using var store = await SqliteTrialStore.OpenAsync(folder.Db);
        var record = (await store.GetStudyAsync("homm-pareto"))!;
        var trials = (await store.GetTrialsAsync(record.Id)).Trials;
        Assert.Equal(4, trials.Count);
        foreach (var t in trials)
        {
            Assert.Equal(TrialState.Complete, t.State);
            var attrs = await store.GetTrialAttrsAsync(t.Id, AttrScope.System);
            Assert.Equal(attrs[SystemAttrs.InfoFlops].GetDouble(), t.Values![1]);
            Assert.InRange(t.Values[0], 0.0, 1.0);
        }
        // More order and FFW expansion cost more FLOPs: the analytic counter's ordering.
        var byShape = trials.GroupBy(t => ((long)t.Params["order"], (long)t.Params["ffw_expand"])).Select(g => (g.Key, Flops: g.First().Values![1])).ToList();
        foreach (var a in byShape)
        {
            foreach (var b in byShape.Where(b => b.Key.Item1 >= a.Key.Item1 && b.Key.Item2 >= a.Key.Item2 && b.Key != a.Key))
                Assert.True(b.Flops > a.Flops, $"{b.Key} should cost more than {a.Key}");
        }
    }
}
