using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Storage;

namespace HoMM.Dispatch.Tests.Driver;

/// <summary>No waiting trial can block a study: the driver checks every trial against the study's rules before it starts.</summary>
public class TrialRulesInDriverTests
{
    [Fact]
    public async Task RunAsync_WaitingTrialBreakingAConstraint_FailsWithTheReasonAndTheStudyCompletesMaxTrials()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 4}", extraSpace: "  y: {type: int, low: 1, high: 9}", constraints: "constraints: [\"x * y <= 3\"]");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        // Written to the store as anything but the rules could write it (an old dashboard, a script):
        // the lowest Waiting trial, which a driver used to retry for ever.
        var bad = await f.Store.CreateTrialAsync(study.Id,
            new Dictionary<string, object> { ["x"] = 0.9, ["y"] = 8L },
            new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(0, 1), ["y"] = new IntDistribution(1, 9) });

        var (_, end) = await f.RunAsync(definition);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        var refused = trials.Single(t => t.Id == bad.Id);
        Assert.Equal(TrialState.Fail, refused.State);
        Assert.Equal("refused before it ran: breaks the constraint 'x * y <= 3' (x = 0.9, y = 8)", refused.FailReason);
        Assert.Empty(await f.Store.GetAttemptsAsync(bad.Id)); // never started
        Assert.Equal(4, trials.Count(t => t.State.IsFinished()));
        Assert.Equal(3, trials.Count(t => t.State == TrialState.Complete));
        Assert.All(trials.Where(t => t.State == TrialState.Complete), t => Assert.True((double)t.Params["x"] * (long)t.Params["y"] <= 3));
        Assert.Contains($"trial {bad.Number} cannot run and was failed: breaks the constraint 'x * y <= 3'", f.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PartialWaitingTrialNoCompletionCanSatisfy_FailsWithTheReason()
    {
        await using var f = await DriverFixture.CreateAsync();
        // y = 9 leaves x ≤ 1/9 but x ≥ 0.5 is required too: no completion exists.
        var definition = f.Study("{max_trials: 2}", extraSpace: "  y: {type: int, low: 1, high: 9}",
            constraints: "constraints: [\"x * y <= 1\", \"x >= 0.5 or y < 9\"]");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        var partial = await f.Store.CreateTrialAsync(study.Id,
            new Dictionary<string, object> { ["y"] = 9L }, new Dictionary<string, Distribution> { ["y"] = new IntDistribution(1, 9) });

        var (_, end) = await f.RunAsync(definition);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var refused = (await f.Store.GetTrialAsync(partial.Id))!;
        Assert.Equal(TrialState.Fail, refused.State);
        Assert.StartsWith("refused before it ran: trial 0 fixes y, and none of 100 completions by the sampler passed the rules", refused.FailReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelAsync_WaitingTrialWhileTheDriverRuns_EndsAtOnceAndTheStudyGoesOn()
    {
        await using var f = await DriverFixture.CreateAsync();
        // One slot, busy with a slow trial, so the enqueued one stays Waiting.
        var definition = f.Study("{max_trials: 3, max_parallel: 1}", env: ", SLEEP: \"1\"", resources: "{cpu_slots: 1}");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var driver = new StudyDriver(f.Store, study, definition, f.Options());
        var run = driver.RunAsync(cts.Token);
        await f.WaitForAsync(study.Id, t => t.State == TrialState.Running);
        var waiting = await f.Store.CreateTrialAsync(study.Id,
            new Dictionary<string, object> { ["x"] = 0.5 }, new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(0, 1) });

        var outcome = await f.Store.CancelAsync(waiting.Id, "tester", "not needed after all");

        Assert.Equal(TrialStopOutcome.Cancelled, outcome);
        var stopped = await f.Store.GetTrialAsync(waiting.Id);
        Assert.Equal((TrialState.Cancelled, "cancelled by tester: not needed after all"), (stopped!.State, stopped.FailReason));
        Assert.Equal(DriverEnd.BudgetSpent, await run);
        Assert.Empty(await f.Store.GetAttemptsAsync(waiting.Id));
        var counts = await f.Store.CountTrialsAsync(study.Id);
        // A cancelled trial does not spend the budget: three complete ones still ran.
        Assert.Equal((3, 1), (counts[TrialState.Complete], counts[TrialState.Cancelled]));
    }

    [Fact]
    public async Task RunAsync_FiveIdenticalFailuresInARow_StopsWithTheReason()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 20, max_parallel: 1}", env: ", MODE: oom", resources: "{cpu_slots: 1}");

        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        var driver = new StudyDriver(f.Store, study, definition, f.Options());
        var end = await driver.RunAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);

        Assert.Equal(DriverEnd.TooManyFailures, end);
        Assert.StartsWith("out of memory (exit code 1): RuntimeError: CUDA out of memory", driver.FailureReason, StringComparison.Ordinal);
        var counts = await f.Store.CountTrialsAsync(study.Id);
        Assert.Equal(5, counts[TrialState.Fail]);
        Assert.Equal(0, counts[TrialState.Running] + counts[TrialState.Waiting]);
        Assert.Contains("the study stops: 5 trials in a row failed with the same reason: out of memory", f.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Paused_SaysWhyNothingRuns()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 1}");
        var (study, _) = await StudyOpener.OpenOrCreateAsync(f.Store, definition);
        await f.Store.SetStudyAttrAsync(study.Id, AttrScope.System, SystemAttrs.ControlPaused, System.Text.Json.JsonSerializer.SerializeToElement(true));
        var driver = new StudyDriver(f.Store, study, definition, f.Options());
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var run = driver.RunAsync(cts.Token);
        await Task.Delay(800);

        Assert.Equal("paused: no new trials start; resume from the dashboard", driver.State.Note);
        await cts.CancelAsync();
        Assert.Equal(DriverEnd.Stopped, await run);
    }
}
