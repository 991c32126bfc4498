using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Dispatch.Tests.Driver;

public class StepOrderInDriverTests
{
    [Fact]
    public async Task RunAsync_StepRepeatedThenRewound_StoredNotedAndIgnoredByThePruner()
    {
        await using var f = await DriverFixture.CreateAsync();
        // The rewind trainer reports 0.0 at step 2 a second time and at step 1 again: a threshold
        // pruner (lower 0.5) asked about those lines would prune at "step 2"; steps 1, 2, 3 in order are 0.9, 0.9, 0.8.
        var definition = f.Study("{max_trials: 1}", env: ", MODE: rewind", pruner: "{kind: threshold, lower: 0.5}",
            enqueue: """
                enqueue:
                  - {x: 0.8}
                """);

        var (study, _) = await f.RunAsync(definition);

        var trial = Assert.Single((await f.Store.GetTrialsAsync(study.Id)).Trials);
        Assert.Equal(TrialState.Complete, trial.State);
        Assert.Equal(0.8, trial.Value);
        // Kept as reported: the last value at a step wins.
        Assert.Equal([(1L, 0.0), (2L, 0.0), (3L, 0.8)], (await f.Store.GetIntermediateValuesAsync(trial.Id, "val/acc")).Select(v => (v.Step, v.Value)));
        var notes = TrialNotes.Read(await f.Store.GetTrialAttrsAsync(trial.Id, AttrScope.System));
        Assert.Equal(2, notes.Count);
        Assert.StartsWith("attempt 1: the trainer reported step 2 of val/acc a second time (", notes[0], StringComparison.Ordinal);
        Assert.StartsWith("attempt 1: the trainer reported step 1 of val/acc after step 2 (", notes[1], StringComparison.Ordinal);
        Assert.Contains("the pruner ignored this line", notes[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StepsInOrder_NoNotes()
    {
        await using var f = await DriverFixture.CreateAsync();

        var (study, _) = await f.RunAsync(f.Study("{max_trials: 1}"));

        var trial = Assert.Single((await f.Store.GetTrialsAsync(study.Id)).Trials);
        Assert.Equal(TrialState.Complete, trial.State);
        Assert.Empty(TrialNotes.Read(await f.Store.GetTrialAttrsAsync(trial.Id, AttrScope.System)));
    }
}

public class TrainerLogCapInDriverTests
{
    [Fact]
    public async Task RunAsync_StudyFileLogMax_TrainerLogStaysWithinIt()
    {
        await using var f = await DriverFixture.CreateAsync();

        var (study, _) = await f.RunAsync(f.Study("{max_trials: 1}", env: ", MODE: chatty", logMax: "64KiB"));

        var trial = Assert.Single((await f.Store.GetTrialsAsync(study.Id)).Trials);
        Assert.Equal(TrialState.Complete, trial.State);
        var log = Path.Combine((await f.Store.GetTrialAttrsAsync(trial.Id, AttrScope.System))[SystemAttrs.TrialDir].GetString()!, "trainer.log");
        // 1.3 MB written; the cap and the marker lines kept.
        Assert.InRange(new FileInfo(log).Length, 60_000, (64 << 10) + 1024);
        Assert.Contains("bytes dropped (trainer.log_max)", await File.ReadAllTextAsync(log), StringComparison.Ordinal);
    }
}
