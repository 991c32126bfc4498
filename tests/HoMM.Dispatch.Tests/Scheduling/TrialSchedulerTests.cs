using System.Collections.Concurrent;
using HoMM.Dispatch.Scheduling;

namespace HoMM.Dispatch.Tests.Scheduling;

public class TrialSchedulerTests
{
    /// <summary>Records each firing; blocks until cancelled when told to, then throws as a shutdown does.</summary>
    private sealed class Handler(bool blockUntilCancelled) : ITrialJobHandler
    {
        public ConcurrentQueue<(long TrialId, bool Recovering)> Fired { get; } = new();

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask RunTrialAsync(long trialId, bool recovering, CancellationToken cancellationToken)
        {
            Fired.Enqueue((trialId, recovering));
            Started.TrySetResult();
            if (blockUntilCancelled)
                await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    [Fact]
    public async Task Shutdown_InterruptsARunningJob_WhichIsRecoveredAtTheNextStart()
    {
        using var dir = new TempDir();
        var store = JobStoreOptions.SqliteBeside(Path.Combine(dir.Path, "homm.db"));
        var blocking = new Handler(blockUntilCancelled: true);
        await using (var first = await TrialScheduler.CreateAsync(store, 1, blocking, 2, TimeProvider.System))
        {
            await first.StartAsync();
            Assert.True(await first.ScheduleAsync(7, 0));
            Assert.False(await first.ScheduleAsync(7, 0)); // one job per trial
            await blocking.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await first.ShutdownAsync(); // interrupts: the handler throws OperationCanceledException
        }
        Assert.Equal([(7L, false)], blocking.Fired);

        var second = new Handler(blockUntilCancelled: false);
        await using var restarted = await TrialScheduler.CreateAsync(store, 1, second, 2, TimeProvider.System);
        Assert.True(await restarted.HasJobAsync(7));
        await restarted.StartAsync();
        await second.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([(7L, true)], second.Fired);
        for (var i = 0; i < 100 && await restarted.HasJobAsync(7); i++)
            await Task.Delay(50);
        Assert.False(await restarted.HasJobAsync(7)); // a job that returned is gone
    }

    [Fact]
    public async Task CreateAsync_SameStudyTwice_SecondIsRefusedWithAClearMessage()
    {
        using var dir = new TempDir();
        var store = JobStoreOptions.SqliteBeside(Path.Combine(dir.Path, "homm.db"));
        await using var first = await TrialScheduler.CreateAsync(store, 3, new Handler(false), 1, TimeProvider.System);

        var e = await Assert.ThrowsAsync<DispatchLockedException>(() => TrialScheduler.CreateAsync(store, 3, new Handler(false), 1, TimeProvider.System));

        Assert.Contains("already being run", e.Message, StringComparison.Ordinal);
        await using var other = await TrialScheduler.CreateAsync(store, 4, new Handler(false), 1, TimeProvider.System); // another study may run beside it
    }
}
