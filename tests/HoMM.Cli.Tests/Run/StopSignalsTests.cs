using System.Diagnostics;
using System.Runtime.InteropServices;
using HoMM.Cli.Run;

namespace HoMM.Cli.Tests.Run;

public class StopSignalsTests
{
    private sealed class ManualClock : TimeProvider
    {
        private long ticks = 1;

        public override long GetTimestamp() => ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }

    [Fact]
    public void Receive_SameSignalTwiceWithinTheWindow_CountsAsOne()
    {
        var clock = new ManualClock();
        var signals = new StopSignals(clock);

        Assert.Equal(StopRequest.Stop, signals.Receive(PosixSignal.SIGTERM));
        clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(StopRequest.Repeat, signals.Receive(PosixSignal.SIGTERM));
        clock.Advance(StopSignals.SameSourceWindow);
        Assert.Equal(StopRequest.QuitNow, signals.Receive(PosixSignal.SIGTERM));
    }

    [Fact]
    public void Receive_AnotherSignalSoonAfter_QuitsAtOnce()
    {
        var signals = new StopSignals(new ManualClock());

        Assert.Equal(StopRequest.Stop, signals.Receive(PosixSignal.SIGTERM));
        Assert.Equal(StopRequest.QuitNow, signals.Receive(PosixSignal.SIGINT));
    }
}

/// <summary><c>run</c> under signals from outside: no trainer outlives it.</summary>
public class RunSignalTests
{
    // Ignores the end of its stdin (against the protocol); a stop line ends it.
    private const string IgnoresEof = """
        echo "start $HOMM_TRIAL_NUMBER $$" >> "$EVENTS"
        while true; do
          if read -t 1 line; then exit 0; fi
          sleep 0.2
        done
        """;

    // Ignores stdin altogether: only a signal ends it.
    private const string IgnoresEverything = """
        echo "start $HOMM_TRIAL_NUMBER $$" >> "$EVENTS"
        while true; do sleep 0.2; done
        """;

    private static string Study(RunFolder folder, string trainer) => folder.WriteBashStudy("stubborn", trainer, maxTrials: 2, slots: 2);

    private static async Task WaitForStartsAsync(RunFolder folder, int count)
    {
        for (var i = 0; i < 1200 && folder.Events().Count < count; i++)
            await Task.Delay(50);
        Assert.True(folder.Events().Count >= count, string.Join('\n', folder.Output));
    }

    private static async Task AssertNoTrainerLeftAsync(RunFolder folder)
    {
        await Task.Delay(300);
        Assert.All(folder.Events().Select(e => e.Pid), pid => Assert.False(RunFolder.IsAlive(pid), $"trainer pid {pid} outlived run"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_UnderGnuTimeout_StopsGracefullyAndLeavesNoTrainer()
    {
        using var folder = new RunFolder();
        var study = Study(folder, IgnoresEof);
        var cli = Path.Combine(AppContext.BaseDirectory, "homm-search.dll");
        var info = new ProcessStartInfo("timeout") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.Dir };
        foreach (var a in new[] { "600", "dotnet", cli, "run", study, "--db", folder.Db })
            info.ArgumentList.Add(a);
        using var timeout = Process.Start(info)!;
        var output = timeout.StandardOutput.ReadToEndAsync();
        var errors = timeout.StandardError.ReadToEndAsync();
        await WaitForStartsAsync(folder, 2);

        // A SIGTERM to timeout does what its expiry does: SIGTERM to run, then to run's whole
        // process group — two SIGTERMs at once.
        Assert.Equal(0, Kill(timeout.Id, 15));
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await timeout.WaitForExitAsync(guard.Token);

        var said = await output + await errors;
        Assert.Contains("stopping", said, StringComparison.Ordinal);
        Assert.DoesNotContain("quitting at once", said, StringComparison.Ordinal);
        await AssertNoTrainerLeftAsync(folder);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_SecondCtrlCLater_QuitsAtOnceAndKillsTheTrainers()
    {
        using var folder = new RunFolder();
        var study = Study(folder, IgnoresEverything);
        using var run = folder.StartRun(study);
        await WaitForStartsAsync(folder, 2);

        Assert.Equal(0, Kill(run.Id, 2));
        await Task.Delay(StopSignals.SameSourceWindow + TimeSpan.FromMilliseconds(500));
        Assert.False(run.HasExited, "a trainer that ignores its stop line holds the graceful stop");
        Assert.Equal(0, Kill(run.Id, 2));

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await run.WaitForExitAsync(guard.Token);
        Assert.Contains(folder.Output, l => l.Contains("quitting at once; killed 2 trainer process groups", StringComparison.Ordinal));
        await AssertNoTrainerLeftAsync(folder);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
