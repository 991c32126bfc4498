using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace HoMM.Dispatch.Slots;

/// <summary>One NVIDIA GPU as <c>nvidia-smi</c> reports it: its index, name and memory in MiB.</summary>
public sealed record GpuInfo(int Index, string Name, long MemoryTotalMiB, long MemoryUsedMiB)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"GPU {Index}: {Name}, {MemoryTotalMiB:N0} MiB ({MemoryUsedMiB:N0} MiB in use)");
}

/// <summary>
/// This machine's NVIDIA GPUs, from <c>nvidia-smi --query-gpu</c>: the one place that asks, for
/// <c>gpus: auto</c> and for <c>doctor</c>. MIG instances are not listed apart (a slot is a GPU).
/// </summary>
public static class GpuInventory
{
    /// <summary>The query: one CSV line per GPU, memory in MiB without units.</summary>
    public const string Arguments = "--query-gpu=index,name,memory.total,memory.used --format=csv,noheader,nounits";

    /// <summary>
    /// The GPUs <paramref name="nvidiaSmi"/> lists; null when it cannot be run (no NVIDIA driver on
    /// this machine) or fails, so that "no driver" and "no GPU" stay apart for the caller's message.
    /// </summary>
    /// <param name="nvidiaSmi">The executable (default: nvidia-smi on PATH).</param>
    public static IReadOnlyList<GpuInfo>? Query(string nvidiaSmi = "nvidia-smi")
    {
        ArgumentException.ThrowIfNullOrEmpty(nvidiaSmi);
        try
        {
            using var process = Process.Start(new ProcessStartInfo(nvidiaSmi, Arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
                return null;
            var stderr = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                return null;
            }
            _ = stderr.Result;
            return process.ExitCode == 0 ? Parse(output) : null;
        }
        catch (Win32Exception)
        {
            return null; // not installed: no NVIDIA driver here
        }
    }

    /// <summary>Reads the CSV lines of <see cref="Arguments"/>' output; lines that do not parse are skipped.</summary>
    public static IReadOnlyList<GpuInfo> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var gpus = new List<GpuInfo>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(',', StringSplitOptions.TrimEntries);
            if (f.Length == 4
                && int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var index)
                && long.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var total)
                && long.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var used))
            {
                gpus.Add(new GpuInfo(index, f[1], total, used));
            }
        }
        return gpus;
    }
}
