using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Storage;
using HoMM.Storage.Serialization;

namespace HoMM.Dispatch.Tests.Driver;

public class StudyDriverTests
{
    [Fact]
    public async Task RunAsync_FastTrainer_FinishesExactlyMaxTrialsAndStoresEverything()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 6}");

        var (study, end) = await f.RunAsync(definition);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(6, trials.Count);
        foreach (var t in trials)
        {
            Assert.Equal(TrialState.Complete, t.State);
            Assert.Equal((double)t.Params["x"], t.Value!.Value, 12);
            Assert.Equal([1L, 2L, 3L], t.IntermediateValues.Keys.Order());
            var loss = await f.Store.GetIntermediateValuesAsync(t.Id, "train/loss");
            Assert.Equal(3, loss.Count);
            // The final line's test/* are the trial's final metrics, never intermediate values.
            Assert.DoesNotContain(await f.Store.GetIntermediateValuesAsync(t.Id), v => TestMetrics.IsTestMetric(v.Metric));
            var attempts = await f.Store.GetAttemptsAsync(t.Id);
            var attempt = Assert.Single(attempts);
            Assert.Equal("completed", attempt.Reason);
            Assert.Equal(0, attempt.ExitCode);
            Assert.NotNull(attempt.Pid);
            var attrs = await f.Store.GetTrialAttrsAsync(t.Id, AttrScope.System);
            Assert.Equal(1234, attrs["info/params"].GetInt32());
            Assert.Equal("cpu", attrs["info/device"].GetString());
            Assert.StartsWith("cpu", attrs["slot"].GetString(), StringComparison.Ordinal);
            var final = FinalMetricsJson.Parse(attrs[SystemAttrs.FinalMetrics]);
            Assert.Equal(["test/acc", "test/loss", "val/acc"], final.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(t.Value!.Value, final["val/acc"]);
            Assert.Equal(0.5, final["test/acc"]);
            Assert.True(double.IsNaN(final["test/loss"]));
            var dir = attrs["trial_dir"].GetString()!;
            Assert.True(File.Exists(Path.Combine(dir, "trainer.log")));
            Assert.True(File.Exists(Path.Combine(dir, "trial.json")));
        }
    }

    [Fact]
    public async Task RunAsync_Faults_EachTrialFailsWithItsReasonAndTheStudyGoesOn()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study(
            "{max_trials: 6, trial_timeout: 2s, retries: 1}",
            extraSpace: "  mode: {type: categorical, choices: [ok, crash, nan, hang, oom]}",
            env: ", MODE: \"{mode}\"",
            enqueue: """
                enqueue:
                  - {x: 0.1, mode: crash}
                  - {x: 0.2, mode: nan}
                  - {x: 0.3, mode: hang}
                  - {x: 0.4, mode: oom}
                  - {x: 0.5, mode: ok}
                  - {x: 0.6, mode: ok}
                """);

        var (study, end) = await f.RunAsync(definition);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(6, trials.Count);
        Assert.Equal(TrialState.Fail, trials[0].State);
        Assert.StartsWith("crashed (SIGSEGV, exit code 139)", trials[0].FailReason, StringComparison.Ordinal);
        Assert.EndsWith("(after 2 attempts)", trials[0].FailReason, StringComparison.Ordinal);
        var crashAttempts = await f.Store.GetAttemptsAsync(trials[0].Id);
        Assert.Equal(2, crashAttempts.Count);
        Assert.True(f.Events().Single(e => e.Trial == 0 && e.Attempt == 2).Resume, "the retry resumes from the checkpoint");
        Assert.Equal(TrialState.Fail, trials[1].State);
        Assert.StartsWith("diverged", trials[1].FailReason, StringComparison.Ordinal);
        Assert.Equal(TrialState.Fail, trials[2].State);
        Assert.StartsWith("timeout", trials[2].FailReason, StringComparison.Ordinal);
        Assert.Equal(TrialState.Fail, trials[3].State);
        Assert.StartsWith("out of memory", trials[3].FailReason, StringComparison.Ordinal);
        Assert.Equal(TrialState.Complete, trials[4].State);
        Assert.Equal(TrialState.Complete, trials[5].State);
        foreach (var e in f.Events())
            Assert.False(Procs.IsAlive(PidOf(f, e.Trial, e.Attempt)), "no trainer is left behind");
    }

    [Fact]
    public async Task RunAsync_ManyTrials_NeverMoreTrainersThanSlotsAndEachHasItsOwnSlot()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 10, max_parallel: 4}", env: ", SLEEP: \"0.3\"", resources: "{cpu_slots: 3}");

        var (study, _) = await f.RunAsync(definition, f.Options() with { ProcessorCount = 6 });

        var events = f.Events();
        Assert.Equal(10, events.Count);
        Assert.All(events, e => Assert.Equal(2, e.Threads)); // 6 cores / 3 slots
        Assert.All(events, e => Assert.Contains(e.Slot, new[] { "cpu0", "cpu1", "cpu2" }));
        var maxConcurrent = 0;
        foreach (var e in events)
        {
            var overlapping = events.Where(o => o.Start <= e.Start && o.End > e.Start).ToList();
            maxConcurrent = Math.Max(maxConcurrent, overlapping.Count);
            Assert.Equal(overlapping.Count, overlapping.Select(o => o.Slot).Distinct().Count());
        }
        Assert.InRange(maxConcurrent, 2, 3);
        var counts = await f.Store.CountTrialsAsync(study.Id);
        Assert.Equal(10, counts[TrialState.Complete]);
    }

    [Fact]
    public async Task RunAsync_Paused_StartsNothingUntilResumed()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 2}");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        await f.Store.SetStudyAttrAsync(study.Id, AttrScope.System, SystemAttrs.ControlPaused, JsonSerializer.SerializeToElement(true));
        var driver = new StudyDriver(f.Store, study, definition, f.Options());
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var run = driver.RunAsync(cts.Token);
        await Task.Delay(1500);
        Assert.Empty((await f.Store.GetTrialsAsync(study.Id)).Trials);
        Assert.True(driver.State.Paused);
        await f.Store.SetStudyAttrAsync(study.Id, AttrScope.System, SystemAttrs.ControlPaused, JsonSerializer.SerializeToElement(false));

        Assert.Equal(DriverEnd.BudgetSpent, await run);
        Assert.Equal(2, (await f.Store.CountTrialsAsync(study.Id))[TrialState.Complete]);
    }

    [Fact]
    public async Task RunAsync_UserCancelsRunningTrial_CancelledNotRetriedAndTheStudyGoesOn()
    {
        await using var f = await DriverFixture.CreateAsync();
        // The first trial hangs (and ignores the stop line); the budget of one is then spent by the next.
        var definition = f.Study("{max_trials: 1, max_parallel: 1}",
            extraSpace: "  mode: {type: categorical, choices: [ok, hang]}",
            env: ", MODE: \"{mode}\"",
            resources: "{cpu_slots: 1}",
            enqueue: """
                enqueue:
                  - {x: 0.1, mode: hang}
                  - {x: 0.5, mode: ok}
                """);
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        var driver = new StudyDriver(f.Store, study, definition, f.Options(stopGrace: TimeSpan.FromSeconds(30)));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var run = driver.RunAsync(cts.Token);
        var trial = await f.WaitForAsync(study.Id, t => t.State == TrialState.Running);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await f.Store.CancelAsync(trial.Id, "tester", "enough");
        // The trainer ignores its stop line and a shutdown would give it 30 s: a cancel does not wait for a checkpoint.
        await f.WaitForAsync(study.Id, t => t.Id == trial.Id && t.State == TrialState.Cancelled);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));

        Assert.Equal(DriverEnd.BudgetSpent, await run);
        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal((TrialState.Cancelled, "cancelled by tester: enough"), (trials[0].State, trials[0].FailReason));
        Assert.Single(await f.Store.GetAttemptsAsync(trial.Id));
        Assert.Equal(TrialState.Complete, trials[1].State);
    }

    [Fact]
    public async Task RunAsync_StoppedAndRunAgain_InterruptedTrialResumesFromItsCheckpoint()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 1}", env: ", MODE: slow");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            var run = new StudyDriver(f.Store, study, definition, f.Options()).RunAsync(cts.Token);
            var running = await f.WaitForAsync(study.Id, t => t.State == TrialState.Running && t.IntermediateValues.Count >= 3);
            await cts.CancelAsync();
            Assert.Equal(DriverEnd.Stopped, await run);
            var interrupted = await f.Store.GetTrialAsync(running.Id);
            Assert.Equal(TrialState.Running, interrupted!.State);
            Assert.StartsWith("interrupted", Assert.Single(await f.Store.GetAttemptsAsync(running.Id)).Reason, StringComparison.Ordinal);
        }

        var (_, end) = await f.RunAsync(definition);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trial = Assert.Single((await f.Store.GetTrialsAsync(study.Id)).Trials);
        Assert.Equal(TrialState.Complete, trial.State);
        var second = f.Events().Single(e => e.Attempt == 2);
        Assert.True(second.Resume);
        Assert.Equal(20, trial.IntermediateValues.Keys.Max());
        Assert.Equal(2, (await f.Store.GetAttemptsAsync(trial.Id)).Count);
    }

    [Fact]
    public async Task RunAsync_EnqueuedTrialFixingSomeParameters_RunsWithTheRestSampled()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study(
            "{max_trials: 3}",
            extraSpace: "  y: {type: int, low: 1, high: 9}",
            enqueue: """
                enqueue:
                  - {x: 0.25}
                """);

        var (study, _) = await f.RunAsync(definition);

        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(3, trials.Count);
        Assert.Equal(0.25, (double)trials[0].Params["x"]);
        Assert.InRange(Convert.ToInt64(trials[0].Params["y"], System.Globalization.CultureInfo.InvariantCulture), 1, 9);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    private static int PidOf(DriverFixture f, int trial, int attempt)
    {
        var line = File.ReadAllLines(f.EventsPath).First(l => l.StartsWith($"start ", StringComparison.Ordinal) && l.Split(' ')[2] == trial.ToString(System.Globalization.CultureInfo.InvariantCulture) && l.Split(' ')[3] == attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return int.Parse(line.Split(' ')[5], System.Globalization.CultureInfo.InvariantCulture);
    }
}
