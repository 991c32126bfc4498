using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Run;

public class RunCommandChaosTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_KilledSixTimesAtRandomMoments_EndsWithExactlyMaxTrialsNoneTwiceNoneLostNoTrainerLeft()
    {
        using var folder = new RunFolder();
        var study = folder.WriteStudy(maxTrials: 12, slots: 2);
        var random = new Random(20261127);
        const int kills = 6;

        for (var i = 0; i < kills; i++)
        {
            using var run = folder.StartRun(study);
            // Kill while trainers run: wait for a trainer to start (or the run to end), then a random moment.
            var before = folder.Events().Count(e => e.Kind == "start");
            for (var w = 0; w < 400 && folder.Events().Count(e => e.Kind == "start") == before && !run.HasExited; w++)
                await Task.Delay(25);
            await Task.Delay(random.Next(0, 1200));
            if (!run.HasExited)
                run.Kill(entireProcessTree: false); // SIGKILL to the run process only: its trainers are orphaned
            await run.WaitForExitAsync();
        }

        using (var final = folder.StartRun(study))
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await final.WaitForExitAsync(guard.Token);
            Assert.True(final.ExitCode == 0, string.Join('\n', folder.Output));
        }

        using var store = await SqliteTrialStore.OpenAsync(folder.Db);
        var record = (await store.GetStudyAsync("chaos"))!;
        var trials = (await store.GetTrialsAsync(record.Id)).Trials;
        Assert.Equal(12, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        foreach (var t in trials)
        {
            // No completed result lost or mixed up: the value is the one this trial's trainer reported.
            Assert.Equal((double)t.Params["x"], t.Value!.Value, 12);
            // None ran to completion twice: one completed attempt, and no attempt started after
            // the result was committed (a recovered job finds the trial finished and starts nothing).
            var attempts = await store.GetAttemptsAsync(t.Id);
            Assert.Single(attempts, a => a.Reason == "completed");
            Assert.All(attempts, a => Assert.NotNull(a.Ended));
            Assert.All(attempts, a => Assert.True(a.Started <= t.Finished, $"trial {t.Number}: attempt {a.Number} started after the result was committed"));
        }
        var events = folder.Events();
        Assert.True(events.Count(e => e.Kind == "start") > 12, "the kills interrupted trials, which resumed");
        // No trainer is left behind: every process a trainer ever ran as is gone.
        await Task.Delay(500);
        Assert.All(events.Select(e => e.Pid).Distinct(), pid => Assert.False(RunFolder.IsAlive(pid), $"trainer pid {pid} is still running"));
    }

    [Fact]
    public async Task Run_ChangedSearchSpace_IsRefusedUnlessForked()
    {
        using var folder = new RunFolder();
        var study = folder.WriteStudy(maxTrials: 1, slots: 1);
        using (var first = folder.StartRun(study))
        {
            await first.WaitForExitAsync();
            Assert.Equal(0, first.ExitCode);
        }
        File.WriteAllText(study, File.ReadAllText(study).Replace("high: 1.0", "high: 2.0", StringComparison.Ordinal));

        using (var changed = folder.StartRun(study))
        {
            await changed.WaitForExitAsync();
            Assert.Equal(5, changed.ExitCode);
            Assert.Contains(folder.Output, l => l.Contains("--fork", StringComparison.Ordinal));
        }
        using (var forked = folder.StartRun(study, "--fork", "chaos-2"))
        {
            await forked.WaitForExitAsync();
            Assert.Equal(0, forked.ExitCode);
        }
        using var store = await SqliteTrialStore.OpenAsync(folder.Db);
        Assert.Equal(2, (await store.ListStudiesAsync()).Count);
    }
}
