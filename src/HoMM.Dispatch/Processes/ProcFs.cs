using System.Globalization;

namespace HoMM.Dispatch.Processes;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/stat this project needs (proc(5)). <see cref="State"/> is R, S, D,
/// Z (zombie), T...; <see cref="StartTime"/> is in clock ticks after boot: with the boot id it names
/// a process uniquely, where a pid alone can be reused.
/// </summary>
public sealed record ProcStat(int Pid, string Command, char State, int ParentPid, int ProcessGroupId, int SessionId, ulong StartTime)
{
    public bool IsZombie => State is 'Z' or 'X';
}

/// <summary>Reads the Linux process table. Every read tolerates processes vanishing meanwhile.</summary>
public static class ProcFs
{
    /// <summary>The process's stat, or null when there is no such process.</summary>
    public static ProcStat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            // IOException: ESRCH when the process exits between open and read.
            return null;
        }
        return ParseStat(text);
    }

    /// <summary>Parses a stat line; the command may contain spaces and ')' so fields are counted after the last ')'.</summary>
    public static ProcStat? ParseStat(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open || close + 2 > text.Length)
            return null;
        var fields = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 of proc(5): state, ppid, pgrp, session, ... starttime is field 22.
        if (fields.Length < 20 || fields[0].Length != 1)
            return null;
        var inv = CultureInfo.InvariantCulture;
        if (!int.TryParse(text.AsSpan(0, open).Trim(), NumberStyles.None, inv, out var pid)
            || !int.TryParse(fields[1], NumberStyles.None, inv, out var ppid)
            || !int.TryParse(fields[2], NumberStyles.AllowLeadingSign, inv, out var pgrp)
            || !int.TryParse(fields[3], NumberStyles.AllowLeadingSign, inv, out var session)
            || !ulong.TryParse(fields[19], NumberStyles.None, inv, out var start))
            return null;
        return new ProcStat(pid, text[(open + 1)..close], fields[0][0], ppid, pgrp, session, start);
    }

    /// <summary>Every process now in the table (zombies included).</summary>
    public static IReadOnlyList<ProcStat> ListProcesses()
    {
        var list = new List<ProcStat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (ReadStat(pid) is { } stat)
                list.Add(stat);
        }
        return list;
    }

    /// <summary>The living (not zombie) processes of a process group.</summary>
    public static IReadOnlyList<ProcStat> ListGroup(int pgid) =>
        ListProcesses().Where(p => p.ProcessGroupId == pgid && !p.IsZombie).ToList();

    /// <summary>This boot's random id (/proc/sys/kernel/random/boot_id): start times only compare within one boot.</summary>
    public static string? ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
