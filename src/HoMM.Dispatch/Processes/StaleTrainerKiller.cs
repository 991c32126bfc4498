namespace HoMM.Dispatch.Processes;

/// <summary>What <see cref="StaleTrainerKiller"/> found and did.</summary>
public enum StaleKillOutcome
{
    /// <summary>No process of the recorded trainer is left (or the host rebooted since).</summary>
    NotRunning,

    /// <summary>The trainer's group was killed.</summary>
    Killed,

    /// <summary>The pid now belongs to another process (its start time differs): nothing was killed.</summary>
    RefusedPidReused,

    /// <summary>The record has no start time and the pid is alive, so it cannot be told apart from a new process: nothing was killed.</summary>
    RefusedUnverifiable,

    /// <summary>Signals were sent but a process of the group is still there (uninterruptible sleep, another user's process).</summary>
    Survived,
}

/// <summary>
/// The report of one stale-trainer kill: <see cref="Pids"/> are the processes found in the group
/// (and signalled, when the outcome is Killed or Survived).
/// </summary>
public sealed record StaleKillReport(StaleKillOutcome Outcome, string Message, IReadOnlyList<int> Pids);

/// <summary>
/// Kills the trainer of an attempt that a previous dispatcher started and lost (crash, kill -9,
/// a trial taken over after its dispatcher died), before a new attempt of the same trial starts — otherwise
/// two trainers would write the same checkpoint and hold the slot's GPU.
/// <para>
/// Safety against pid reuse: the recorded start time (with the boot id) must match the live
/// process. When the leader is gone but members of its group remain (a data-loader worker), they
/// are still the trainer's: Linux does not hand out a pid again while a process group of that id
/// exists, and only process <c>pgid</c> itself could have created group <c>pgid</c>. Members that
/// started before the recorded leader would break that reasoning, so they make it refuse.
/// </para>
/// Same host only: the caller checks that the attempt ran on this node.
/// </summary>
public sealed class StaleTrainerKiller
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly TimeProvider _time;
    private readonly TimeSpan _terminateGrace;

    /// <param name="timeProvider">Clock for the waits.</param>
    /// <param name="terminateGrace">Time between SIGTERM and SIGKILL, for a trainer that saves what it can on SIGTERM.</param>
    public StaleTrainerKiller(TimeProvider timeProvider, TimeSpan terminateGrace)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(terminateGrace, TimeSpan.Zero);
        _time = timeProvider;
        _terminateGrace = terminateGrace;
    }

    public async Task<StaleKillReport> KillAsync(ProcessIdentity recorded, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var pgid = recorded.ProcessGroupId;
        var boot = ProcFs.ReadBootId();
        if (recorded.BootId is not null && boot is not null && recorded.BootId != boot)
            return new(StaleKillOutcome.NotRunning, $"trainer pid {recorded.Pid} ran before this host rebooted; nothing to kill", []);

        var leader = ProcFs.ReadStat(recorded.Pid);
        if (leader is not null)
        {
            if (recorded.StartTime is null)
            {
                return new(StaleKillOutcome.RefusedUnverifiable,
                    $"pid {recorded.Pid} is alive ({leader.Command}) but the attempt recorded no start time, so it may be an unrelated process; not killed", []);
            }
            if (leader.StartTime != recorded.StartTime)
            {
                return new(StaleKillOutcome.RefusedPidReused,
                    $"pid {recorded.Pid} now belongs to another process ({leader.Command}, started at tick {leader.StartTime}, " +
                    $"the trainer at tick {recorded.StartTime}); not killed", []);
            }
        }

        var members = ProcFs.ListGroup(pgid);
        if (members.Count == 0)
            return new(StaleKillOutcome.NotRunning, $"no process of trainer group {pgid} is left", []);
        if (recorded.StartTime is { } start && members.FirstOrDefault(m => m.StartTime < start) is { } older)
        {
            return new(StaleKillOutcome.RefusedPidReused,
                $"process {older.Pid} ({older.Command}) of group {pgid} started before the recorded trainer, so the group is not the trainer's; not killed", []);
        }

        var pids = members.Select(m => m.Pid).ToList();
        try
        {
            Posix.SignalGroup(pgid, Posix.SigTerm);
            if (!await GoneWithinAsync(pgid, _terminateGrace, cancellationToken).ConfigureAwait(false))
            {
                Posix.SignalGroup(pgid, Posix.SigKill);
                if (!await GoneWithinAsync(pgid, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false))
                {
                    var left = ProcFs.ListGroup(pgid).Select(m => m.Pid).ToList();
                    return new(StaleKillOutcome.Survived,
                        $"sent SIGTERM and SIGKILL to group {pgid}, but {string.Join(' ', left)} still run (uninterruptible I/O?)", pids);
                }
                return new(StaleKillOutcome.Killed, $"killed stale trainer group {pgid} ({Describe(members)}) with SIGKILL after SIGTERM", pids);
            }
        }
        catch (InvalidOperationException e)
        {
            return new(StaleKillOutcome.Survived, $"could not signal trainer group {pgid}: {e.Message}", pids);
        }
        return new(StaleKillOutcome.Killed, $"killed stale trainer group {pgid} ({Describe(members)}) with SIGTERM", pids);
    }

    private async Task<bool> GoneWithinAsync(int pgid, TimeSpan limit, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        while (Posix.GroupExists(pgid) && ProcFs.ListGroup(pgid).Count > 0)
        {
            if (_time.GetElapsedTime(start) >= limit)
                return false;
            await Task.Delay(Poll, _time, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    private static string Describe(IEnumerable<ProcStat> members) =>
        string.Join(", ", members.Select(m => $"{m.Pid} {m.Command}"));
}
