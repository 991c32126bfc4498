using System.Runtime.InteropServices;

namespace HoMM.Dispatch.Processes;

/// <summary>
/// The few POSIX calls .NET does not offer: signals other than SIGKILL, and to a whole process
/// group. Signal numbers are Linux's (the same on x86-64 and arm64).
/// </summary>
internal static partial class Posix
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    private const int Esrch = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>
    /// Sends <paramref name="signal"/> to every process of group <paramref name="pgid"/>. False when the
    /// group has no process left (ESRCH); throws on other errors (EPERM: the group belongs to another user).
    /// </summary>
    public static bool SignalGroup(int pgid, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pgid, 2);
        return Send(-pgid, signal);
    }

    /// <summary>
    /// Whether any process (zombies included) is left in the group: kill with signal 0 checks
    /// without sending anything, one system call instead of a scan of /proc.
    /// </summary>
    public static bool GroupExists(int pgid) => SignalGroup(pgid, 0);

    /// <summary>Sends <paramref name="signal"/> to one process; false when it no longer exists.</summary>
    public static bool SignalProcess(int pid, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pid, 2);
        return Send(pid, signal);
    }

    private static bool Send(int target, int signal)
    {
        if (Kill(target, signal) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Esrch)
            return false;
        throw new InvalidOperationException(
            $"kill({target}, {SignalName(signal)}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    /// <summary>SIGSEGV for 11, and so on; "signal N" for numbers without a common name.</summary>
    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        31 => "SIGSYS",
        _ => $"signal {signal}",
    };
}
