using System.Diagnostics;
using HoMM.Core.SearchSpace;
using HoMM.Storage.Sqlite;
using Xunit.Abstractions;

namespace HoMM.Storage.Tests.Sqlite;

/// <summary>
/// Measures, does not time: how many trials per second two threads can create, start, report
/// and complete on one SQLite file (the number goes to the test output). The assertions check
/// only that every trial arrived.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SqliteThroughputTests(ITestOutputHelper output) : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("homm-bench-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(SqliteSynchronous.Full)]
    [InlineData(SqliteSynchronous.Normal)]
    public async Task TwoThreads_CreateAndCompleteTrials_ReportsTrialsPerSecond(SqliteSynchronous synchronous)
    {
        const int threads = 2, perThread = 300;
        using var store = await SqliteTrialStore.OpenAsync(
            Path.Combine(directory, $"{synchronous}.db"), new SqliteStoreOptions { Synchronous = synchronous });
        var study = await store.CreateStudyAsync(TrialStoreContractTests.DurabilityStudy);
        var lr = new FloatDistribution(1e-5, 1e-1, log: true);
        await RunAsync(20); // warm-up: JIT, EF model, connection pool

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Run(() => RunAsync(perThread))));
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        var counts = await store.CountTrialsAsync(study.Id);
        Assert.Equal(threads * perThread + 20, counts[Core.Trials.TrialState.Complete]);
        var rate = threads * perThread / clock.Elapsed.TotalSeconds;
        output.WriteLine($"synchronous={synchronous}: {threads * perThread} trials (create, start, 1 report, complete = 4 commits each) " +
                         $"from {threads} threads in {clock.Elapsed.TotalSeconds:F2} s = {rate:F0} trials/s, {4 * rate:F0} commits/s; " +
                         $"CPU {cpu.TotalMilliseconds / (threads * perThread):F2} ms per trial (this process, all threads; wall time depends on the machine's load)");

        async Task RunAsync(int n)
        {
            for (var i = 0; i < n; i++)
            {
                var trial = await store.CreateTrialAsync(study.Id,
                    new Dictionary<string, object> { ["lr"] = 1e-3 }, new Dictionary<string, Distribution> { ["lr"] = lr });
                await store.TryStartAsync(trial.Id);
                await store.ReportAsync(trial.Id, 100, "val/acc", 0.5);
                await store.TryCompleteAsync(trial.Id, 0.5);
            }
        }
    }
}
