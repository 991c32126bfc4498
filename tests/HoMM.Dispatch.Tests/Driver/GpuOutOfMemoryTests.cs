using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;

namespace HoMM.Dispatch.Tests.Driver;

/// <summary>Trials that run out of GPU memory beside neighbours on a shared GPU (trials_per_gpu: 2 on GPU 0).</summary>
public sealed class GpuOutOfMemoryTests
{
    [Fact]
    public async Task RunAsync_TrainerOutOfGpuMemoryBesideANeighbour_RetriedAloneAndCompletes()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 2, max_parallel: 2}", env: ", MODE: oom-beside", resources: "{gpus: [0], trials_per_gpu: 2}");

        var (study, end) = await f.RunAsync(definition);

        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        var attempts = (await Task.WhenAll(trials.Select(t => f.Store.GetAttemptsAsync(t.Id)))).SelectMany(a => a).ToList();
        var retried = attempts.Where(a => a.Reason?.StartsWith("out of GPU memory beside other trials (it ran beside 1 other trial on GPU 0, which now runs at most 1 at once); retried: out of memory", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(retried);
        Assert.Contains("ran out of GPU memory", f.Log.ToString(), StringComparison.Ordinal);
        // From the first retry on, GPU 0 runs one trainer at a time, and each retry completes.
        var fromRetry = f.Events().OrderBy(e => e.Start).SkipWhile(e => e.Attempt < 2).ToList();
        Assert.NotEmpty(fromRetry);
        for (var i = 1; i < fromRetry.Count; i++)
            Assert.True(fromRetry[i].Start >= fromRetry[i - 1].End, $"trainers overlapped on GPU 0 after the limit was lowered: {string.Join("; ", fromRetry)}");
    }

    [Fact]
    public async Task RunAsync_TrainerOutOfGpuMemoryEvenAlone_FailedWithTheReason()
    {
        await using var f = await DriverFixture.CreateAsync();
        var definition = f.Study("{max_trials: 2, max_parallel: 2, retries: 2}", env: ", MODE: oom-late", resources: "{gpus: [0], trials_per_gpu: 2}");

        var (study, _) = await f.RunAsync(definition);

        var trials = (await f.Store.GetTrialsAsync(study.Id)).Trials;
        Assert.All(trials, t =>
        {
            Assert.Equal(TrialState.Fail, t.State);
            Assert.StartsWith("out of memory", t.FailReason, StringComparison.Ordinal);
            Assert.EndsWith("(it ran alone on GPU 0, so fewer neighbours cannot help)", t.FailReason, StringComparison.Ordinal);
        });
        // Out of memory is not a crash: retries: 2 does not run it again.
        Assert.All(f.Events().GroupBy(e => e.Trial), g => Assert.InRange(g.Count(), 1, 2));
    }
}
