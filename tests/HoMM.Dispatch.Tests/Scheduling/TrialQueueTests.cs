using System.Collections.Concurrent;
using System.Diagnostics;
using HoMM.Dispatch.Scheduling;

namespace HoMM.Dispatch.Tests.Scheduling;

public class TrialQueueTests
{
    /// <summary>Records each delivery; blocks until cancelled when told to.</summary>
    private sealed class Handler(bool blockUntilCancelled) : ITrialJobHandler
    {
        public ConcurrentQueue<long> Delivered { get; } = new();

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask RunTrialAsync(long trialId, CancellationToken cancellationToken)
        {
            Delivered.Enqueue(trialId);
            Started.TrySetResult();
            if (!blockUntilCancelled)
                return;
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Cancelled.TrySetResult();
            }
        }
    }

    private static string Database(TempDir dir)
    {
        var path = Path.Combine(dir.Path, "homm.db");
        File.WriteAllBytes(path, []);
        return path;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
            await Task.Delay(50);
        Assert.True(condition());
    }

    [Fact]
    public async Task Enqueue_TwiceForOneTrial_DeliversBoth_TheHandlerDecides()
    {
        using var dir = new TempDir();
        var handler = new Handler(blockUntilCancelled: false);
        await using var queue = TrialQueue.ForStudy(JobStoreOptions.SqliteBeside(Database(dir)), 1, handler, 2);
        queue.Start();

        await queue.Study(1).EnqueueAsync(7, 0);
        await queue.Study(1).EnqueueAsync(7, 0);

        await WaitUntilAsync(() => handler.Delivered.Count == 2);
        Assert.Equal([7L, 7L], handler.Delivered);
    }

    [Fact]
    public async Task Enqueue_WorkerIdleInALongPoll_DeliveredAtOnce()
    {
        using var dir = new TempDir();
        var handler = new Handler(blockUntilCancelled: false);
        // A poll far longer than the test: only the wake-up can deliver the job in time.
        var options = JobStoreOptions.SqliteBeside(Database(dir)) with { QueuePollInterval = TimeSpan.FromMinutes(5) };
        await using var queue = TrialQueue.ForStudy(options, 1, handler, 1);
        queue.Start();
        await Task.Delay(TimeSpan.FromSeconds(3)); // the worker has looked once and waits

        var clock = Stopwatch.StartNew();
        await queue.Study(1).EnqueueAsync(7, 0);
        await handler.Started.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"delivered after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Shutdown_InterruptsARunningJob_AndWaitsForIt()
    {
        using var dir = new TempDir();
        var blocking = new Handler(blockUntilCancelled: true);
        var queue = TrialQueue.ForStudy(JobStoreOptions.SqliteBeside(Database(dir)), 1, blocking, 1);
        queue.Start();
        await queue.Study(1).EnqueueAsync(7, 0);
        await blocking.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await queue.ShutdownAsync();

        Assert.True(blocking.Cancelled.Task.IsCompleted);
    }

    [Fact]
    public async Task ForStudy_SameStudyTwice_SecondIsRefusedWithAClearMessage()
    {
        using var dir = new TempDir();
        var store = JobStoreOptions.SqliteBeside(Database(dir));
        await using var first = TrialQueue.ForStudy(store, 3, new Handler(false), 1);

        var e = Assert.Throws<DispatchLockedException>(() => TrialQueue.ForStudy(store, 3, new Handler(false), 1));

        Assert.Contains("already being run", e.Message, StringComparison.Ordinal);
        await using var other = TrialQueue.ForStudy(store, 4, new Handler(false), 1); // another study may run beside it
    }

    [Theory]
    [InlineData("symlink")]
    [InlineData("hardlink")]
    [InlineData("relative")]
    public async Task ForStudy_SameDatabaseFileByAnotherPath_IsRefused(string how)
    {
        using var dir = new TempDir();
        var db = Database(dir);
        var alias = Path.Combine(dir.Path, "alias.db");
        switch (how)
        {
            case "symlink":
                File.CreateSymbolicLink(alias, db);
                break;
            case "hardlink":
                using (var ln = Process.Start("ln", [db, alias]))
                {
                    await ln.WaitForExitAsync();
                    Assert.Equal(0, ln.ExitCode);
                }
                break;
            default:
                alias = Path.GetRelativePath(Directory.GetCurrentDirectory(), db);
                break;
        }
        await using var first = TrialQueue.ForStudy(JobStoreOptions.SqliteBeside(db), 3, new Handler(false), 1);

        var e = Assert.Throws<DispatchLockedException>(() => TrialQueue.ForStudy(JobStoreOptions.SqliteBeside(alias), 3, new Handler(false), 1));

        Assert.Contains("whatever path or link", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForStudy_AfterTheFirstShutDown_IsAllowed()
    {
        using var dir = new TempDir();
        var store = JobStoreOptions.SqliteBeside(Database(dir));
        await TrialQueue.ForStudy(store, 3, new Handler(false), 1).DisposeAsync();

        await using var second = TrialQueue.ForStudy(store, 3, new Handler(false), 1);
    }
}
