using System.Diagnostics;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Scheduling;
using HoMM.Dispatch.Slots;
using HoMM.Storage;
using HoMM.StudyFiles;

namespace HoMM.Dispatch.Tests.Driver;

/// <summary>
/// Hangfire delivers at least once; the store decides who runs a trial. These tests make the
/// queue deliver again (a short invisibility timeout, a repeated delivery) and check that every
/// trial still runs and commits once.
/// </summary>
public class StoreDecidesTests
{
    [Fact]
    public async Task RunAsync_TrialsLongerThanTheInvisibilityTimeout_EachRunsAndCommitsOnce()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 3}", env: ", SLEEP: \"3\"");
        var options = f.Options() with
        {
            // Hangfire hands a job that ran this long to another worker: each trial is delivered again.
            JobStore = JobStoreOptions.SqliteBeside(Path.Combine(f.Dir, "homm.db")) with { InvisibilityTimeout = TimeSpan.FromSeconds(1) },
        };

        var (study, end) = await f.RunAsync(definition, options);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal([0, 1, 2], f.Events().Select(e => e.Trial).Order());
        foreach (var t in trials)
            Assert.Single(await f.Store.GetAttemptsAsync(t.Id));
    }

    [Fact]
    public async Task RunTrialAsync_DeliveredAgainAfterCommit_DoesNothing()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 2}");
        var (study, _) = await f.RunAsync(definition);
        var before = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        var starts = f.Events().Count;
        var runner = Runner(f, study, definition);

        foreach (var t in before)
            await runner.RunTrialAsync(t.Id, CancellationToken.None);

        Assert.Equal(starts, f.Events().Count);
        var after = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(before.Select(t => (t.State, t.Value)), after.Select(t => (t.State, t.Value)));
        foreach (var t in after)
            Assert.Single(await f.Store.GetAttemptsAsync(t.Id));
    }

    /// <summary>
    /// What a run killed between its owner's commit (to <paramref name="to"/>) and closing the
    /// attempt leaves behind: the trial committed, its attempt open (its SQLite queue's job is never
    /// delivered again: one process per queue file).
    /// </summary>
    private static async Task<(StudyDefinition Definition, FrozenTrial Trial, TrialAttempt Left)> LeftOpenAttemptAsync(
        DriverFixture f, TrialState to, double? value, string? reason)
    {
        var definition = f.Study("{max_trials: 1}");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        var trial = await f.Store.CreateTrialAsync(study.Id, new Dictionary<string, object> { ["x"] = 0.25 },
            new Dictionary<string, HoMM.Core.SearchSpace.Distribution> { ["x"] = study.SearchSpace.Find("x")!.Distribution });
        Assert.True((await f.Store.TryClaimAsync(trial.Id, "vm/1/1/1", TimeSpan.FromSeconds(6))).Claimed);
        var left = await f.Store.StartAttemptAsync(trial.Id, new AttemptStart("vm", "cpu0"));
        Assert.True(await f.Store.TryFinishOwnedAsync(trial.Id, "vm/1/1/1", to, value, reason));
        return (definition, trial, left!);
    }

    [Fact]
    public async Task RunAsync_AttemptLeftOpenByADispatcherKilledAfterTheCommit_ClosedWithTheOutcomeBeforeAnythingRuns()
    {
        await using var f = await DriverFixture.CreateAsync();
        var (definition, trial, left) = await LeftOpenAttemptAsync(f, TrialState.Complete, 0.25, null);

        var (_, end) = await f.RunAsync(definition);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var attempt = Assert.Single(await f.Store.GetAttemptsAsync(trial.Id));
        Assert.Equal((left.Id, "completed"), (attempt.Id, attempt.Reason));
        Assert.NotNull(attempt.Ended);
        Assert.False(File.Exists(f.EventsPath)); // no trainer ran again
    }

    [Fact]
    public async Task RunAsync_AttemptLeftOpenWhenATrialPaused_ClosedAsPausedBeforeAnythingRuns()
    {
        await using var f = await DriverFixture.CreateAsync();
        // Paused at its rung by the owner's commit, the attempt not yet closed.
        var (definition, trial, left) = await LeftOpenAttemptAsync(f, TrialState.Paused, null, "paused at step 20");

        // The study has no promotion to run it on: the driver would wait; its start-up is what is checked.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await f.RunAsync(definition, stop: stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        var attempt = Assert.Single(await f.Store.GetAttemptsAsync(trial.Id));
        Assert.Equal((left.Id, "paused at step 20"), (attempt.Id, attempt.Reason));
        Assert.NotNull(attempt.Ended);
    }

    [Fact]
    public async Task RunTrialAsync_TwoDispatchersDeliveredTheSameTrialsAtOnce_EachTrialRunsOnce()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 4}", env: ", SLEEP: \"1\"");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        var trials = new List<FrozenTrial>();
        for (var i = 0; i < 4; i++)
            trials.Add(await f.Store.CreateTrialAsync(study.Id, new Dictionary<string, object> { ["x"] = i / 10.0 },
                new Dictionary<string, HoMM.Core.SearchSpace.Distribution> { ["x"] = study.SearchSpace.Find("x")!.Distribution }));
        // Two dispatchers, as two processes would be: each has its own lease owner and slots.
        var first = Runner(f, study, definition);
        var second = Runner(f, study, definition);

        await Task.WhenAll(trials.SelectMany(t => new[]
        {
            first.RunTrialAsync(t.Id, CancellationToken.None).AsTask(),
            second.RunTrialAsync(t.Id, CancellationToken.None).AsTask(),
        }));

        var done = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.All(done, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal([0, 1, 2, 3], f.Events().Select(e => e.Trial).Order());
    }

    [Fact]
    public async Task RunTrialAsync_FinishedElsewhereWhileRunning_StopsItsTrainerAndCommitsNothing()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 1}", env: ", MODE: \"slow\"");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => f.RunAsync(definition, f.Options(), stop.Token));
        var running = await f.WaitForAsync(study.Id, t => t.State == TrialState.Running);
        for (var i = 0; i < 200 && !File.Exists(f.EventsPath); i++)
            await Task.Delay(50);

        // Another process finishes the trial through the store (not the owner).
        Assert.True(await f.Store.TryFailAsync(running.Id, "failed by another process"));
        for (var i = 0; i < 100 && !File.ReadAllText(f.EventsPath).Contains("end ", StringComparison.Ordinal); i++)
            await Task.Delay(20);

        await stop.CancelAsync();
        await run;
        Assert.Contains("end ", File.ReadAllText(f.EventsPath), StringComparison.Ordinal);
        var done = await f.Store.GetTrialAsync(running.Id);
        Assert.Equal(TrialState.Fail, done!.State);
        Assert.Equal("failed by another process", done.FailReason);
    }

    [Fact]
    public async Task Cancel_ThroughTheStore_ReachesTheTrainerWithinTwoSeconds()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 1}", env: ", MODE: \"slow\"");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        using var stop = new CancellationTokenSource();
        var options = f.Options() with { ControlPollInterval = TimeSpan.FromSeconds(1) };
        var run = Task.Run(() => f.RunAsync(definition, options, stop.Token));
        var running = await f.WaitForAsync(study.Id, t => t.State == TrialState.Running);
        for (var i = 0; i < 200 && !File.Exists(f.EventsPath); i++)
            await Task.Delay(50);

        var clock = Stopwatch.StartNew();
        Assert.Equal(TrialStopOutcome.Requested, await f.Store.CancelAsync(running.Id, "a test", "not wanted"));
        for (var i = 0; i < 100 && !File.ReadAllText(f.EventsPath).Contains("end ", StringComparison.Ordinal); i++)
            await Task.Delay(20);
        var reached = clock.Elapsed;

        await stop.CancelAsync();
        await run;
        Assert.True(reached < TimeSpan.FromSeconds(2), $"the trainer got its stop line {reached.TotalSeconds:F2} s after the cancel");
        Assert.Equal(TrialState.Cancelled, (await f.Store.GetTrialAsync(running.Id))!.State);
    }

    private static TrialRunner Runner(DriverFixture f, StudyRecord study, HoMM.StudyFiles.StudyDefinition definition)
    {
        var options = f.Options();
        var slots = SlotPlanner.Plan(definition.Resources, options.ProcessorCount, options.DetectGpus);
        return new TrialRunner(f.Store, study, definition, StudyDriver.CreatePruner(definition.Pruner), new SlotPool(slots.Slots),
            new StudyTrials(f.Store, study.Id), options);
    }
}
