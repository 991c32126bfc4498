namespace HoMM.Dispatch.Processes;

/// <summary>
/// What the dispatcher records about a started trainer so that a later dispatcher (after a crash
/// or kill -9) can find and kill it without hitting an unrelated process that reuses the pid.
/// </summary>
/// <param name="Pid">The trainer's process id.</param>
/// <param name="ProcessGroupId">Its process group; trainers lead their own group, so this equals <paramref name="Pid"/>.</param>
/// <param name="StartTime">/proc/&lt;pid&gt;/stat starttime (clock ticks after boot); null when it exited before it could be read.</param>
/// <param name="BootId">The boot the start time belongs to; after a reboot no recorded trainer can still run.</param>
public sealed record ProcessIdentity(int Pid, int ProcessGroupId, ulong? StartTime, string? BootId)
{
    /// <summary>Reads the identity of a running process that leads its own group.</summary>
    public static ProcessIdentity OfGroupLeader(int pid) =>
        new(pid, pid, ProcFs.ReadStat(pid)?.StartTime, ProcFs.ReadBootId());
}

/// <summary>
/// How a trainer process ended. .NET reports a process killed by signal N as exit code 128 + N,
/// the same code a shell returns when its child dies that way, so both read as the signal.
/// </summary>
public readonly record struct TrainerExit(int ExitCode)
{
    /// <summary>The signal that ended the process, when the exit code says so (129–192).</summary>
    public int? Signal => ExitCode is > 128 and <= 128 + 64 ? ExitCode - 128 : null;

    /// <summary>"exit code 0", "SIGSEGV, exit code 139".</summary>
    public override string ToString() =>
        Signal is { } s ? $"{Posix.SignalName(s)}, exit code {ExitCode}" : $"exit code {ExitCode}";
}
