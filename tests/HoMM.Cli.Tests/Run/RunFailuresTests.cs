using HoMM.Cli.Run;
using HoMM.Cli.Tests.Control;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Storage;

namespace HoMM.Cli.Tests.Run;

/// <summary>What <c>run</c> does when trials fail, with the python test trainer as a custom trainer.</summary>
public class RunFailuresTests
{
    [Fact]
    public async Task RunAsync_TrainerReportsTheObjectiveUnderAnotherName_EachTrialFailsFastAndFiveInARowStopTheStudyWithExit6()
    {
        using var folder = new ControlFolder();
        // 300 steps of 0.1 s: a trial that ran to its end would take 30 s.
        folder.WriteStudy(maxTrials: 20, env: ", METRIC: \"val/accuracy\"", steps: 300);
        var output = new StringWriter();
        var error = new StringWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(folder.StudyPath, folder.Db, null, null), output, error,
            TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitTooManyFailures, exit);
        var reason = "the trainer reported metrics train/loss, val/accuracy at step 1 but not the objective val/acc (did you mean val/accuracy?)";
        Assert.Contains($"5 trials in a row failed with the same reason: {reason}", error.ToString(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed} for 5 trials");
        var trials = await folder.WithStoreAsync(async s => (await s.GetTrialsAsync((await s.GetStudyAsync("ctl"))!.Id)).Trials);
        Assert.Equal(5, trials.Count);
        Assert.All(trials, t =>
        {
            Assert.Equal(TrialState.Fail, t.State);
            Assert.StartsWith(reason, t.FailReason, StringComparison.Ordinal);
        });
        Assert.Contains("the study stops: 5 trials in a row failed", File.ReadAllText(DriverFactory.LogPath(Path.Combine(folder.Dir, "runs"), "ctl")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MaxConsecutiveFailuresZero_RunsTheWholeBudget()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 6, budgetExtra: ", max_consecutive_failures: 0", env: ", METRIC: \"val/accuracy\"");

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(folder.StudyPath, folder.Db, null, null), new StringWriter(), new StringWriter(),
            TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitDone, exit);
        var counts = await folder.WithStoreAsync(async s => await s.CountTrialsAsync((await s.GetStudyAsync("ctl"))!.Id));
        Assert.Equal(6, counts[TrialState.Fail]);
    }

    [Fact]
    public void Line_NothingRunning_SaysWhy()
    {
        var study = new StudyRecord(1, "s", Core.Trials.StudyDirection.Maximize, "val/acc", new Core.SearchSpace.SearchSpaceDefinition([]), "[]", "", DateTimeOffset.UnixEpoch);
        var progress = new RunProgress(null!, study, 20, null, TimeProvider.System);
        var snapshot = new ProgressSnapshot(19, 0, 0, 0, 1, null, [], TimeSpan.FromMinutes(3), null,
            new DriverState(false, false, "waiting for a cluster worker (homm-search worker) to take the queued trials"));

        Assert.Equal("[03:00] 19/20 done (19 complete, 0 pruned, 0 failed), 0 running (waiting for a cluster worker (homm-search worker) to take the queued trials), no result yet",
            progress.Line(snapshot));
    }

    [Fact]
    public async Task RunAsync_ConstraintNoProposalMeets_StopsWithTheReasonInPlainOutputAndExit7()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 5);
        // x * x < 0 never holds, but interval arithmetic over x in [-1, 1] cannot prove it: validate lets it through.
        File.WriteAllText(folder.StudyPath, File.ReadAllText(folder.StudyPath)
            .Replace("x: {type: float, low: 0.0, high: 1.0}", "x: {type: float, low: -1.0, high: 1.0}", StringComparison.Ordinal)
            .Replace("- x * y <= 2", "- x * x < 0", StringComparison.Ordinal));
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(folder.StudyPath, folder.Db, null, null), output, error,
            TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(RunCommand.ExitNoFeasibleProposal, exit);
        Assert.Contains("no feasible proposal", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("x * x < 0", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("proposals in a row broke the constraints", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RunningTrialWithFullPrecisionFloats_FiveSignificantDigits()
    {
        var study = new StudyRecord(1, "s", Core.Trials.StudyDirection.Maximize, "val/acc", new Core.SearchSpace.SearchSpaceDefinition([]), "[]", "", DateTimeOffset.UnixEpoch);
        var progress = new RunProgress(null!, study, 20, null, TimeProvider.System);
        var trial = new FrozenTrial(7, 3, TrialState.Running, null,
            new Dictionary<string, object> { ["lr"] = 0.007520287888129182, ["act"] = "silu" },
            new Dictionary<string, Core.SearchSpace.Distribution>(),
            new Dictionary<long, double> { [4] = 0.85843211234567891 }, DateTimeOffset.UnixEpoch, null);
        var best = trial with { State = TrialState.Complete, Value = 0.91234567890123456 };
        var snapshot = new ProgressSnapshot(1, 0, 0, 1, 0, best, [(trial, "gpu0")], TimeSpan.FromMinutes(3), null, new DriverState(false, false, null));
        var text = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(text),
            Ansi = Spectre.Console.AnsiSupport.No,
        });
        console.Profile.Width = 200;

        console.Write(progress.Render(snapshot));

        var shown = text.ToString();
        Assert.Contains("lr=0.0075203", shown, StringComparison.Ordinal);
        Assert.Contains("0.85843", shown, StringComparison.Ordinal);
        Assert.Contains("best val/acc 0.91235", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("0.00752028", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("0.858432", shown, StringComparison.Ordinal);
    }
}
