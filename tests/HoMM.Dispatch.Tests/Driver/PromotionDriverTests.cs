using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Storage;
using HoMM.StudyFiles;
using HoMM.Testing;

namespace HoMM.Dispatch.Tests.Driver;

/// <summary>
/// pruner mode: promote in the real driver, with the resumable python trainer (val/acc = x·s/9 at
/// step s, checkpoint every step, final x): η = 3, rungs at steps 1 and 3, full run 9.
/// </summary>
public class PromotionDriverTests
{
    private static StudyDefinition Study(DriverFixture f, int maxTrials, int slots = 2, string enqueue = "")
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "resumable_trainer.py"), Path.Combine(f.Dir, "train.py"), overwrite: true);
        var path = Path.Combine(f.Dir, "promote.yaml");
        File.WriteAllText(path, PromoteStudy.Yaml("s", f.EventsPath, maxTrials, slots, seed: 7, enqueue));
        return StudyFile.LoadOrThrow(path);
    }

    [Fact]
    public async Task Run_PromoteMode_PausesAtRungsPromotesTheTopAndEndsTheRestPruned()
    {
        await using var f = await DriverFixture.CreateAsync();

        var (study, end) = await f.RunAsync(Study(f, maxTrials: 9));

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(9, trials.Count);
        Assert.All(trials, t => Assert.Contains(t.State, new[] { TrialState.Complete, TrialState.Pruned }));
        // Every trial paused at rung 0 (step 1); 9 arrived there, so 3 to 5 went on to rung 1
        // (the top third when each promotion was made), and the top third of those ran to the end.
        Assert.All(trials, t => Assert.Contains(1L, t.IntermediateValues.Keys));
        var atRung1 = trials.Count(t => t.IntermediateValues.Keys.Any(s => s >= 3));
        Assert.InRange(atRung1, 3, 5);
        var complete = trials.Where(t => t.State == TrialState.Complete).ToList();
        // Rung 1 promotes its best (⌊n/3⌋ = 1 of 3 to 5) whenever a slot frees: a later, better arrival
        // is promoted too, so one to three run on, and at least two of those at rung 1 never do.
        Assert.InRange(complete.Count, 1, atRung1 - 2);
        // The best configuration ranks first at every rung (its curve is highest at every step): it
        // is promoted each time and ends with a straight run's result, after pausing twice.
        var best = trials.MaxBy(t => (double)t.Params["x"])!;
        Assert.Equal(TrialState.Complete, best.State);
        Assert.Equal((double)best.Params["x"], best.Value!.Value, 12);
        var attempts = await f.Store.GetAttemptsAsync(best.Id);
        Assert.Equal(3, attempts.Count);
        Assert.StartsWith("paused at step ", attempts[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith("paused at step ", attempts[1].Reason, StringComparison.Ordinal);
        Assert.Equal("completed", attempts[2].Reason);
        // Resumed from the checkpoint: no step is reported by two attempts' trainers as new.
        Assert.Equal(Enumerable.Range(1, 9).Select(s => (long)s), best.IntermediateValues.Keys.Order());
        Assert.All(trials.Where(t => t.State == TrialState.Pruned), t =>
            Assert.Contains("not promoted: the budget is spent", t.FailReason, StringComparison.Ordinal));
        Assert.Contains("promoted from rung 0", f.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StoppedWhileTrialsArePaused_NextRunOnAnotherHostPromotesThemFromTheirCheckpoints()
    {
        await using var f = await DriverFixture.CreateAsync();
        // One slot, and the first three trials fixed: 0.9 pauses at rung 0, then 0.1; the run is
        // stopped while 0.2 runs, before rung 0 has the three it needs to promote anyone.
        var definition = Study(f, maxTrials: 9, slots: 1, enqueue: "enqueue: [{x: 0.9}, {x: 0.1}, {x: 0.2}]");

        // Host a: stopped (as Ctrl-C does) once two trials are paused.
        using var stop = new CancellationTokenSource();
        var first = f.RunAsync(definition, f.Options() with { Node = "host-a" }, stop.Token);
        StudyRecord? study = null;
        for (var i = 0; i < 600 && (study is null || (await f.Store.CountTrialsAsync(study.Id))[TrialState.Paused] < 2); i++)
        {
            await Task.Delay(50);
            study ??= await f.Store.GetStudyAsync("s");
        }
        Assert.NotNull(study);
        await stop.CancelAsync();
        Assert.Equal(DriverEnd.Stopped, (await first).End);
        var pausedThen = (await f.Store.GetTrialsAsync(study.Id)).Trials.Where(t => t.State == TrialState.Paused).ToList();
        Assert.Equal([0, 1], pausedThen.Select(t => t.Number).Order());

        // Host b: the same study goes on; nothing paused is lost.
        var (_, end) = await f.RunAsync(definition, f.Options() with { Node = "host-b" });

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(9, trials.Count);
        Assert.All(trials, t => Assert.Contains(t.State, new[] { TrialState.Complete, TrialState.Pruned }));
        // Trial 2 pauses on host b; rung 0 then has three, and its best, trial 0, paused on host a,
        // is promoted first and resumes from its checkpoint on host b.
        var best = trials.Single(t => t.Number == 0);
        var attempts = await f.Store.GetAttemptsAsync(best.Id);
        Assert.Equal(["host-a", "host-b"], attempts.Take(2).Select(a => a.Node));
        Assert.StartsWith("paused at step 1", attempts[0].Reason, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, best.IntermediateValues.Keys.Max() is var last ? (int)last : 0).Select(s => (long)s), best.IntermediateValues.Keys.Order());
        Assert.True(best.IntermediateValues.ContainsKey(3), "trial 0 never reached rung 1");
        if (best.State == TrialState.Complete)
            Assert.Equal(0.9, best.Value!.Value, 12); // a straight run's result
        Assert.Contains(trials, t => t.State == TrialState.Complete);
    }
}
