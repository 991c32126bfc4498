using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Dispatch.Checkpoints;
using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Tests.Driver;
using HoMM.Storage;
using HoMM.StudyFiles;

namespace HoMM.Dispatch.Tests.Checkpoints;

public class CheckpointSweeperTests
{
    private static FrozenTrial Trial(int number, TrialState state, double? value = null) =>
        new(number, number, state, value, new Dictionary<string, object>(), new Dictionary<string, HoMM.Core.SearchSpace.Distribution>(), new Dictionary<long, double>());

    // Every state, and complete values 0.9 (trial 2), 0.7 (3), 0.8 (4), 0.9 (6: ties with 2, younger);
    // 8 is paused at a rung (promotion mode) and 9 cancelled.
    private static readonly FrozenTrial[] Mixed =
    [
        Trial(0, TrialState.Waiting), Trial(1, TrialState.Running), Trial(2, TrialState.Complete, 0.9), Trial(3, TrialState.Complete, 0.7),
        Trial(4, TrialState.Complete, 0.8), Trial(5, TrialState.Pruned, 0.95), Trial(6, TrialState.Complete, 0.9), Trial(7, TrialState.Fail),
        Trial(8, TrialState.Paused), Trial(9, TrialState.Cancelled),
    ];

    private static int[] Deleted(string keep, StudyDirection direction = StudyDirection.Maximize)
    {
        Assert.True(CheckpointRetention.TryParse(keep, out var policy, out var error), error);
        return [.. CheckpointSweeper.ToDelete(policy!, direction, Mixed).Select(t => t.Number).Order()];
    }

    [Fact]
    public void ToDelete_BestN_KeepsTheNBestCompleteAndNeverAWaitingOrRunningTrial()
    {
        Assert.Equal([3, 4, 5, 6, 7, 9], Deleted("best-1"));   // 2 beats 6 on the tie (older); pruned 5 is not complete
        Assert.Equal([3, 5, 7, 9], Deleted("best-3"));
        Assert.Equal([5, 7, 9], Deleted("best-10"));
        Assert.Equal([2, 4, 5, 6, 7, 9], Deleted("best-1", StudyDirection.Minimize)); // 3 (0.7) is best when minimising
    }

    [Theory]
    [InlineData("none")]
    [InlineData("best-1")]
    [InlineData("all")]
    public void ToDelete_AnyPolicy_NeverAPausedRunningOrWaitingTrial(string keep)
    {
        // A paused trial may still be promoted and resumed from its checkpoint; running and waiting
        // ones (a promoted trial waits for a slot) resume from theirs after an interruption.
        Assert.DoesNotContain(0, Deleted(keep));
        Assert.DoesNotContain(1, Deleted(keep));
        Assert.DoesNotContain(8, Deleted(keep));
    }

    [Fact]
    public void ToDelete_NoneAndAll_EveryFinishedTrialOrNothing()
    {
        Assert.Equal([2, 3, 4, 5, 6, 7, 9], Deleted("none"));
        Assert.Empty(Deleted("all"));
    }

    [Fact]
    public void CheckpointFile_PathOutsideTheTrialFolder_IsNeverTouched()
    {
        static JsonElement Ckpt(string path) => JsonSerializer.SerializeToElement(new { path, step = 1 });

        Assert.Equal("/runs/s/trial-1/ckpt.bin", CheckpointSweeper.CheckpointFile("/runs/s/trial-1", Ckpt("ckpt.bin")));
        Assert.Equal("/runs/s/trial-1/a/b.pt", CheckpointSweeper.CheckpointFile("/runs/s/trial-1", Ckpt("/runs/s/trial-1/a/b.pt")));
        Assert.Null(CheckpointSweeper.CheckpointFile("/runs/s/trial-1", Ckpt("../trial-2/ckpt.bin")));
        Assert.Null(CheckpointSweeper.CheckpointFile("/runs/s/trial-1", Ckpt("/data/imagenet/model.pt")));
        Assert.Null(CheckpointSweeper.CheckpointFile("/runs/s/trial-1", Ckpt("/runs/s/trial-10/ckpt.bin")));
    }

    [Fact]
    public async Task RunAsync_KeepBest1_OnlyTheBestTrialsCheckpointStaysAndLogsRemain()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 5, max_parallel: 2}", env: ", MODE: ckpt") with
        {
            Checkpoints = new CheckpointRetention(CheckpointKeep.Best, 1),
        };

        var (study, end) = await f.RunAsync(definition);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(5, trials.Count(t => t.State == TrialState.Complete));
        var best = trials.MaxBy(t => t.Value)!;
        foreach (var t in trials)
        {
            var folder = Path.Combine(f.Dir, "runs", "s", $"trial-{t.Number}");
            Assert.Equal(t.Number == best.Number, File.Exists(Path.Combine(folder, "ckpt.bin")));
            Assert.True(File.Exists(Path.Combine(folder, "trainer.log")), $"trial {t.Number} lost its log");
        }
        Assert.True(await TrialFolders.DiskUsageAsync(f.Store, study.Id) > 0);
    }
}
