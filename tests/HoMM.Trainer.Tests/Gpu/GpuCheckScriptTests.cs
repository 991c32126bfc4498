using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HoMM.Tests.Shared;

namespace HoMM.Trainer.Tests.Gpu;

/// <summary>
/// benchmarks/gpu (docs/gpu.md) where no GPU is: the bundle a GPU host without .NET gets is built,
/// fits the device tool's carry limit and trains without .NET; every device stage runs on the CPU.
/// </summary>
public sealed partial class GpuCheckScriptTests
{
    private static (int Exit, string Output) Run(params string[] args)
    {
        var root = RepositoryRoot.Find();
        var info = new ProcessStartInfo(Path.Combine(root, "benchmarks", "gpu", "run"))
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("benchmarks/gpu/run did not end within 8 minutes");
        }
        return (process.ExitCode, stdout + stderr.Result);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void DryRunThenSmoke_NoGpu_BundleFitsTheCarryAndEveryStageRunsOnTheCpu()
    {
        var (exit, output) = Run("--dry-run");

        Assert.True(exit == 0, output);
        var size = BundleSize().Match(output);
        Assert.True(size.Success, output);
        Assert.InRange(double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture), 5, 64);
        Assert.Contains("trained 2 steps on this CPU in an environment without .NET: ok", output, StringComparison.Ordinal);
        Assert.Contains("plan (device half", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(RepositoryRoot.Find(), ".build", "gpu", "homm-train", "libhomm_torch.so")),
            "the bundle carries no shim: the GPU host builds its own");

        var results = Directory.CreateTempSubdirectory("homm-gpu-smoke-").FullName;
        try
        {
            (exit, output) = Run("--smoke", "--out", results);

            Assert.True(exit == 0, output);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "gpu-results.json")));
            var r = json.RootElement;
            Assert.True(r.GetProperty("build").GetProperty("ok").GetBoolean(), output);
            Assert.True(r.GetProperty("check").GetProperty("ok").GetBoolean(), output);
            Assert.True(r.GetProperty("synthetic").GetProperty("ok").GetBoolean(), output);
            Assert.All(r.GetProperty("anchor").EnumerateArray(), row => Assert.True(row.TryGetProperty("ratio", out _), row.ToString()));
            Assert.All(r.GetProperty("packing").GetProperty("rows").EnumerateArray(), row => Assert.Empty(row.GetProperty("errors").EnumerateArray()));
            Assert.Contains("| trials at once on one GPU", File.ReadAllText(Path.Combine(results, "gpu-summary.md")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    [GeneratedRegex(@"prepare: bundle \.build/gpu: ([0-9.]+) MiB \(limit 64 MiB\)")]
    private static partial Regex BundleSize();
}
