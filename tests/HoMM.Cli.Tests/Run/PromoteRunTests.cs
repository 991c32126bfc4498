using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Serialization;
using HoMM.Storage.Sqlite;
using HoMM.Testing;

namespace HoMM.Cli.Tests.Run;

/// <summary><c>pruner: {mode: promote}</c> through the real <c>run</c> process.</summary>
public class PromoteRunTests
{
    private static string WritePromoteStudy(RunFolder folder, int maxTrials, int slots)
    {
        var path = Path.Combine(folder.Dir, "promote.yaml");
        File.WriteAllText(path, PromoteStudy.Yaml("promote", folder.EventsPath, maxTrials, slots, seed: 11));
        return path;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_KilledWhileTrialsArePaused_RerunLosesNoneAndPromotesFromTheirCheckpoints()
    {
        using var folder = new RunFolder();
        var study = WritePromoteStudy(folder, maxTrials: 9, slots: 2);

        List<FrozenTrial> pausedAtKill;
        using (var run = folder.StartRun(study))
        {
            pausedAtKill = [];
            for (var w = 0; w < 1200 && pausedAtKill.Count < 2 && !run.HasExited; w++)
            {
                await Task.Delay(50);
                pausedAtKill = await PausedAsync(folder.Db);
            }
            Assert.False(run.HasExited, "the run ended before two trials were paused:\n" + string.Join('\n', folder.Output));
            run.Kill(entireProcessTree: false); // SIGKILL to the run process only
            await run.WaitForExitAsync();
        }
        pausedAtKill = await PausedAsync(folder.Db);
        Assert.True(pausedAtKill.Count >= 2, $"{pausedAtKill.Count} paused after the kill");
        using (var store = await SqliteTrialStore.OpenAsync(folder.Db))
        {
            // Still paused, checkpoints on disk: nothing was finished or deleted by the kill.
            foreach (var t in pausedAtKill)
            {
                var dir = (await store.GetTrialAttrsAsync(t.Id, AttrScope.System))[SystemAttrs.TrialDir].GetString()!;
                Assert.True(File.Exists(Path.Combine(dir, "ckpt")), $"trial {t.Number} lost its checkpoint");
            }
        }

        using (var rerun = folder.StartRun(study))
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await rerun.WaitForExitAsync(guard.Token);
            Assert.True(rerun.ExitCode == 0, string.Join('\n', folder.Output));
        }

        using var after = await SqliteTrialStore.OpenAsync(folder.Db);
        var record = (await after.GetStudyAsync("promote"))!;
        var trials = (await after.GetTrialsAsync(record.Id)).Trials;
        Assert.Equal(9, trials.Count);
        Assert.All(trials, t => Assert.Contains(t.State, new[] { TrialState.Complete, TrialState.Pruned }));
        Assert.Contains(trials, t => t.State == TrialState.Complete);
        var finals = folder.Events().Where(e => e.Kind == "final").GroupBy(e => e.Trial).ToDictionary(g => g.Key, g => g.Count());
        foreach (var t in trials)
        {
            if (t.State == TrialState.Complete)
            {
                Assert.Equal((double)t.Params["x"], t.Value!.Value, 12); // the straight run's result
                Assert.Equal(1, finals[t.Number]);
            }
            else
            {
                Assert.Contains("not promoted", t.FailReason, StringComparison.Ordinal);
            }
        }
        // Every trial paused at the kill ended properly; one promoted after the rerun resumed from its checkpoint.
        foreach (var p in pausedAtKill)
        {
            var t = trials.Single(x => x.Id == p.Id);
            var attempts = await after.GetAttemptsAsync(t.Id);
            Assert.All(attempts, a => Assert.NotNull(a.Ended));
            if (attempts.Count > 1)
                Assert.True(t.IntermediateValues.Keys.Max() > p.IntermediateValues.Keys.Max(), $"trial {t.Number} was promoted but did not go on");
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_HommTrainPausedAndPromoted_EndsWithExactlyTheStraightRunsMetrics()
    {
        using var folder = new RunFolder();
        // Three fixed configurations; all pause at step 20 (the one rung below 60), the best is promoted.
        string Study(string name, string pruner) => $$"""
            name: {{name}}
            objective: {metric: val/acc, direction: maximize}
            search_space:
              lr: {type: float, low: 1.0e-3, high: 3.0e-2, log: true}
            sampler: {kind: random, seed: 1}
            pruner: {{pruner}}
            budget: {max_trials: 3, max_parallel: 2}
            trainer:
              model: {dim: 16, layers: 1, patch: 7, order: 2, order_expand: 2, ffw_expand: 2, dropout: 0.1}
              optim: {lr: 5.0e-3, warmup: 5, steps: 60, batch: 32}
              data: {dataset: fashion-mnist}
              eval_every: 10
              device: cpu
              threads: 1
            resources: {cpu_slots: 2}
            enqueue: [{lr: 0.002}, {lr: 0.008}, {lr: 0.02}]
            """;
        var promote = Path.Combine(folder.Dir, "promote.yaml");
        var straight = Path.Combine(folder.Dir, "straight.yaml");
        File.WriteAllText(promote, Study("promote", "{kind: asha, mode: promote, min_resource: 20, reduction_factor: 3}"));
        File.WriteAllText(straight, Study("straight", "{kind: nop}"));
        foreach (var study in new[] { straight, promote })
        {
            using var run = folder.StartRun(study);
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            await run.WaitForExitAsync(guard.Token);
            Assert.True(run.ExitCode == 0, string.Join('\n', folder.Output));
        }

        using var store = await SqliteTrialStore.OpenAsync(folder.Db);
        var promoted = (await store.GetTrialsAsync((await store.GetStudyAsync("promote"))!.Id)).Trials;
        var straightRuns = (await store.GetTrialsAsync((await store.GetStudyAsync("straight"))!.Id)).Trials;
        var winner = Assert.Single(promoted, t => t.State == TrialState.Complete);
        Assert.Equal(2, promoted.Count(t => t.State == TrialState.Pruned));
        var attempts = await store.GetAttemptsAsync(winner.Id);
        Assert.Equal(2, attempts.Count);
        // The pause request follows the step-20 report; a fast trainer may reach its next evaluation before it reads it.
        var pausedAt = System.Text.RegularExpressions.Regex.Match(attempts[0].Reason ?? "", "^paused at step (\\d+)$");
        Assert.True(pausedAt.Success, $"first attempt's reason: {attempts[0].Reason}");
        Assert.InRange(int.Parse(pausedAt.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 20, 59);
        // Resumed from its checkpoint (not started over): homm-train says where it resumed.
        var resumedFrom = (await store.GetTrialAttrsAsync(winner.Id, AttrScope.System))["info/resumed_from_step"].GetInt64();
        Assert.InRange(resumedFrom, 20, 59);
        var twin = Assert.Single(straightRuns, t => (double)t.Params["lr"] == (double)winner.Params["lr"]);
        // The best at step 20 of the three straight runs is the one promoted.
        Assert.Equal(straightRuns.MaxBy(t => t.IntermediateValues[20])!.Number, twin.Number);
        var a = FinalMetricsJson.Parse((await store.GetTrialAttrsAsync(winner.Id, AttrScope.System))[SystemAttrs.FinalMetrics]);
        var b = FinalMetricsJson.Parse((await store.GetTrialAttrsAsync(twin.Id, AttrScope.System))[SystemAttrs.FinalMetrics]);
        Assert.Equal(b.Keys.Order(), a.Keys.Order());
        foreach (var (name, value) in b)
            Assert.True(value == a[name], $"{name}: straight {value:R}, paused and promoted {a[name]:R}");
    }

    private static async Task<List<FrozenTrial>> PausedAsync(string db)
    {
        if (!File.Exists(db))
            return [];
        using var store = await SqliteTrialStore.OpenAsync(db);
        if (await store.GetStudyAsync("promote") is not { } s)
            return [];
        return [.. (await store.GetTrialsAsync(s.Id)).Trials.Where(t => t.State == TrialState.Paused)];
    }
}
