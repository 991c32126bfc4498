using System.Globalization;

namespace HoMM.Dispatch.Processes;

/// <summary>
/// The kernel's count of out-of-memory kills, so a SIGKILL the dispatcher did not send is called
/// an OOM kill only when the kernel says one happened during the attempt (a trainer may well
/// exit(137) itself, which reads the same as SIGKILL). Sums what this machine exposes: the
/// system's <c>oom_kill</c> in /proc/vmstat, and this process's memory cgroup (v2 memory.events,
/// v1 memory.oom_control) — in a container /proc/vmstat may not see the container's own kills.
/// </summary>
internal static class OomKillCounter
{
    /// <summary>The sum of the counters found, or null when none can be read (then nothing is claimed).</summary>
    public static long? Read()
    {
        long? sum = null;
        void Add(long? value)
        {
            if (value is { } v)
                sum = (sum ?? 0) + v;
        }
        Add(Field("/proc/vmstat", "oom_kill"));
        foreach (var line in ReadLines("/proc/self/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            if (parts[0] == "0" && parts[1].Length == 0)
                Add(Field($"/sys/fs/cgroup{parts[2].TrimEnd('/')}/memory.events", "oom_kill"));
            else if (parts[1].Split(',').Contains("memory"))
                Add(Field($"/sys/fs/cgroup/memory{parts[2].TrimEnd('/')}/memory.oom_control", "oom_kill"));
        }
        return sum;
    }

    /// <summary>True only when both readings exist and the count rose between them.</summary>
    public static bool Rose(long? before, long? after) => before is { } b && after is { } a && a > b;

    private static long? Field(string path, string name)
    {
        foreach (var line in ReadLines(path))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && line.AsSpan(0, space).SequenceEqual(name)
                && long.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return value;
        }
        return null;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
