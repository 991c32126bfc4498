using System.Diagnostics;
using System.Globalization;
using HoMM.Dispatch.Processes;

namespace HoMM.Dispatch.Tests.Processes;

public sealed class StaleTrainerKillerTests : IDisposable
{
    private readonly List<Process> _started = [];
    private readonly StaleTrainerKiller _killer = new(TimeProvider.System, TimeSpan.FromMilliseconds(500));

    /// <summary>A group like a trainer's: a leader (new session) with a child; returns the leader and the child's pid.</summary>
    private async Task<(Process Leader, int Child)> StartGroupAsync(string leaderScript = "sleep 300 & echo $!; wait")
    {
        var psi = new ProcessStartInfo("setsid", ["bash", "-c", leaderScript]) { RedirectStandardOutput = true, RedirectStandardInput = true };
        var p = Process.Start(psi)!;
        _started.Add(p);
        var line = await p.StandardOutput.ReadLineAsync();
        return (p, int.Parse(line!, CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        foreach (var p in _started)
        {
            if (!p.HasExited)
                Posix.SignalGroup(p.Id, Posix.SigKill);
            p.Dispose();
        }
    }

    [Fact]
    public async Task KillAsync_LiveGroup_KillsLeaderAndChild()
    {
        var (leader, child) = await StartGroupAsync();
        var identity = ProcessIdentity.OfGroupLeader(leader.Id);

        var report = await _killer.KillAsync(identity);

        Assert.Equal(StaleKillOutcome.Killed, report.Outcome);
        Assert.Contains(leader.Id, report.Pids);
        Assert.Contains(child, report.Pids);
        Assert.True(await Procs.GoneWithinAsync(child, TimeSpan.FromSeconds(2)));
        Assert.True(leader.WaitForExit(2000));
        Assert.Empty(ProcFs.ListGroup(identity.ProcessGroupId));
    }

    [Fact]
    public async Task KillAsync_StartTimeDiffers_RefusesAndKillsNothing()
    {
        var (leader, child) = await StartGroupAsync();
        var real = ProcessIdentity.OfGroupLeader(leader.Id);
        var recycled = real with { StartTime = real.StartTime - 1 };

        var report = await _killer.KillAsync(recycled);

        Assert.Equal(StaleKillOutcome.RefusedPidReused, report.Outcome);
        Assert.Contains("belongs to another process", report.Message, StringComparison.Ordinal);
        Assert.Empty(report.Pids);
        Assert.True(Procs.IsAlive(leader.Id));
        Assert.True(Procs.IsAlive(child));
    }

    [Fact]
    public async Task KillAsync_NoStartTimeRecordedAndPidAlive_Refuses()
    {
        var (leader, _) = await StartGroupAsync();

        var report = await _killer.KillAsync(new ProcessIdentity(leader.Id, leader.Id, null, ProcFs.ReadBootId()));

        Assert.Equal(StaleKillOutcome.RefusedUnverifiable, report.Outcome);
        Assert.True(Procs.IsAlive(leader.Id));
    }

    [Fact]
    public async Task KillAsync_LeaderDeadChildLeft_KillsTheChild()
    {
        var (leader, child) = await StartGroupAsync();
        var identity = ProcessIdentity.OfGroupLeader(leader.Id);
        Posix.SignalProcess(leader.Id, Posix.SigKill);
        Assert.True(leader.WaitForExit(2000));
        Assert.True(Procs.IsAlive(child));

        var report = await _killer.KillAsync(identity);

        Assert.Equal(StaleKillOutcome.Killed, report.Outcome);
        Assert.Equal([child], report.Pids);
        Assert.True(await Procs.GoneWithinAsync(child, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task KillAsync_TermIgnored_EscalatesToKill()
    {
        var (leader, child) = await StartGroupAsync("trap '' TERM; sleep 300 & echo $!; while true; do sleep 0.05; done");
        var identity = ProcessIdentity.OfGroupLeader(leader.Id);

        var report = await _killer.KillAsync(identity);

        Assert.Equal(StaleKillOutcome.Killed, report.Outcome);
        Assert.Contains("SIGKILL", report.Message, StringComparison.Ordinal);
        Assert.True(leader.WaitForExit(2000));
        Assert.True(await Procs.GoneWithinAsync(child, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task KillAsync_NothingLeft_ReportsNotRunning()
    {
        var (leader, child) = await StartGroupAsync();
        var identity = ProcessIdentity.OfGroupLeader(leader.Id);
        Posix.SignalGroup(leader.Id, Posix.SigKill);
        Assert.True(leader.WaitForExit(2000));
        Assert.True(await Procs.GoneWithinAsync(child, TimeSpan.FromSeconds(2)));

        var report = await _killer.KillAsync(identity);

        Assert.Equal(StaleKillOutcome.NotRunning, report.Outcome);
    }

    [Fact]
    public async Task KillAsync_RecordedBeforeReboot_KillsNothing()
    {
        var (leader, _) = await StartGroupAsync();
        var identity = ProcessIdentity.OfGroupLeader(leader.Id) with { BootId = "00000000-0000-0000-0000-000000000000" };

        var report = await _killer.KillAsync(identity);

        Assert.Equal(StaleKillOutcome.NotRunning, report.Outcome);
        Assert.Contains("rebooted", report.Message, StringComparison.Ordinal);
        Assert.True(Procs.IsAlive(leader.Id));
    }
}
