using System.Collections.Concurrent;

namespace HoMM.Dispatch.Processes;

/// <summary>
/// The process groups of the trainers this process started and has not yet reaped. A dispatcher
/// told to quit at once (a second Ctrl-C) kills them before it ends: a trainer that ignores the
/// end of its stdin, as the protocol asks it not to, would otherwise outlive it.
/// </summary>
public static class LiveTrainers
{
    private static readonly ConcurrentDictionary<int, byte> Groups = new();

    internal static void Add(int processGroupId) => Groups.TryAdd(processGroupId, 0);

    internal static void Remove(int processGroupId) => Groups.TryRemove(processGroupId, out _);

    /// <summary>How many trainer groups are live.</summary>
    public static int Count => Groups.Count;

    /// <summary>SIGKILL to every live trainer's process group; returns how many groups were signalled.</summary>
    public static int KillAll()
    {
        var killed = 0;
        foreach (var group in Groups.Keys)
        {
            if (Posix.SignalGroup(group, Posix.SigKill))
                killed++;
        }
        return killed;
    }
}
