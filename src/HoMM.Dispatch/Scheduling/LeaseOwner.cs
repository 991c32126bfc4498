using System.Globalization;
using HoMM.Dispatch.Processes;

namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// The name a dispatcher holds trial leases under: node, process id, the process's start time
/// and an instance number, so that another dispatcher on the same node can tell that the owner
/// died (pid gone or reused) and take its trials over at once instead of waiting for the lease
/// to run out.
/// </summary>
internal sealed record LeaseOwner(string Node, int Pid, ulong StartTime, int Instance)
{
    private static int _instances;

    /// <summary>A new owner name for a dispatcher of this process.</summary>
    public static LeaseOwner ForThisProcess(string node)
    {
        var pid = Environment.ProcessId;
        return new LeaseOwner(node, pid, ProcFs.ReadStat(pid)?.StartTime ?? 0, Interlocked.Increment(ref _instances));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Node}/{Pid}/{StartTime}/{Instance}");

    /// <summary>Reads an owner name back; null when it is not one of ours.</summary>
    public static LeaseOwner? Parse(string? text)
    {
        if (text is null)
            return null;
        var parts = text.Split('/');
        if (parts.Length < 4
            || !int.TryParse(parts[^3], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !ulong.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var instance))
            return null;
        return new LeaseOwner(string.Join('/', parts[..^3]), pid, start, instance);
    }

    /// <summary>Whether this owner ran on <paramref name="node"/> and its process is gone (or its pid now belongs to another process).</summary>
    public bool IsDeadOn(string node) =>
        Node == node && (ProcFs.ReadStat(Pid) is not { } stat || stat.IsZombie || stat.StartTime != StartTime);
}
