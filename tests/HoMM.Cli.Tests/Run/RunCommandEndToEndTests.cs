using HoMM.Core.Trials;
using HoMM.TrainerSettings;
using HoMM.Storage;
using HoMM.Storage.Serialization;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Run;

public class RunCommandEndToEndTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_QuickstartLikeStudyWithRealHommTrain_DatabaseHoldsEveryTrialsParamsCurveValueStateAndAttempts()
    {
        using var folder = new RunFolder();
        var study = Path.Combine(folder.Dir, "tiny.yaml");
        File.WriteAllText(study, """
            name: tiny
            objective: {metric: val/acc, direction: maximize}
            search_space:
              lr: {type: float, low: 2.0e-3, high: 2.0e-2, log: true}
              order: {type: int, low: 1, high: 2}
            sampler: {kind: tpe, seed: 1, n_startup_trials: 2, constant_liar: true}
            pruner: {kind: asha, min_resource: 20, reduction_factor: 3}
            budget: {max_trials: 4, max_parallel: 2, trial_timeout: 5m}
            trainer:
              model: {dim: 16, layers: 1, patch: 7, order: 2, order_expand: 2, ffw_expand: 2}
              optim: {lr: 5.0e-3, warmup: 5, steps: 60, batch: 32}
              data: {dataset: fashion-mnist}
              eval_every: 20
              device: cpu
            resources: {cpu_slots: 2}
            """);

        using (var run = folder.StartRun(study))
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            await run.WaitForExitAsync(guard.Token);
            Assert.True(run.ExitCode == 0, string.Join('\n', folder.Output));
        }

        using var store = await SqliteTrialStore.OpenAsync(folder.Db);
        var record = (await store.GetStudyAsync("tiny"))!;
        var trials = (await store.GetTrialsAsync(record.Id)).Trials;
        Assert.Equal(4, trials.Count);
        Assert.Contains(trials, t => t.State == TrialState.Complete);
        var splits = new HashSet<string>();
        foreach (var t in trials)
        {
            Assert.Contains(t.State, new[] { TrialState.Complete, TrialState.Pruned });
            Assert.Equal(["lr", "order"], t.Params.Keys.Order());
            // The learning curve: val/acc at each evaluation the trial reached, train/loss beside it.
            Assert.Contains(20L, t.IntermediateValues.Keys);
            Assert.All(t.IntermediateValues.Values, v => Assert.InRange(v, 0.0, 1.0));
            Assert.NotEmpty(await store.GetIntermediateValuesAsync(t.Id, "train/loss"));
            // What pruners and samplers can see: validation and training metrics, never the test set's.
            var reported = (await store.GetIntermediateValuesAsync(t.Id)).Select(v => v.Metric).ToHashSet();
            Assert.Contains("val/acc5", reported);
            Assert.DoesNotContain(reported, TestMetrics.IsTestMetric);
            if (t.State == TrialState.Complete)
            {
                Assert.Equal([20L, 40L, 60L], t.IntermediateValues.Keys.Order());
                Assert.InRange(t.Value!.Value, 0.1, 1.0); // better than chance after 60 steps
            }
            var attempt = Assert.Single(await store.GetAttemptsAsync(t.Id));
            Assert.Equal(0, attempt.ExitCode);
            Assert.NotNull(attempt.Pid);
            Assert.NotNull(attempt.Ended);
            var attrs = await store.GetTrialAttrsAsync(t.Id, AttrScope.System);
            splits.Add(attrs["info/split"].GetString()!);
            if (t.State == TrialState.Complete)
            {
                // The test set, once, in the final line: kept as the trial's final metrics.
                var final = FinalMetricsJson.Parse(attrs[SystemAttrs.FinalMetrics]);
                Assert.Equal(t.Value!.Value, final["val/acc"]);
                Assert.InRange(final["test/acc"], 0.1, 1.0);
                Assert.InRange(final["test/acc5"], final["test/acc"], 1.0);
            }
            else
            {
                Assert.False(attrs.ContainsKey(SystemAttrs.FinalMetrics));
            }
            var shape = new HommShape(16, 1, 7, Convert.ToInt32(t.Params["order"], System.Globalization.CultureInfo.InvariantCulture), 2, 2);
            Assert.Equal(HommComplexity.Parameters(shape), attrs[SystemAttrs.InfoParams].GetInt64());
            Assert.True(File.Exists(Path.Combine(attrs[SystemAttrs.TrialDir].GetString()!, "trainer.log")));
        }
        // Every trial held out the same validation images, whatever its parameters.
        Assert.StartsWith("60000 training images, 10000 held out for validation", Assert.Single(splits), StringComparison.Ordinal);
    }
}
