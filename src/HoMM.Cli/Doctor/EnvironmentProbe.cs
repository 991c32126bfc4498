using System.Diagnostics;
using System.Text.Json;
using HoMM.Dispatch.Slots;

namespace HoMM.Cli.Doctor;

/// <summary>One fact about the machine that a search depends on, and what to do when it is missing.</summary>
public sealed record EnvironmentCheck(string Name, bool Ok, string Detail, string? Fix = null);

/// <summary>What <c>homm-train --doctor</c> says about the libtorch it loads.</summary>
public sealed record TrainerLibTorch(string Version, bool CudaBuild, string? CudaRuntime, bool CudaAvailable, int CudaDevices);

/// <summary>
/// Reads what a search needs from this machine: the BLAS libtorch will load, libtorch itself,
/// the libtorch homm-train loads (the CLI does not load libtorch: homm-train reports it), the GPUs,
/// the Fashion-MNIST files and a browser for the dashboard tests. Paths are parameters so a test
/// can point the probe at a folder (and an nvidia-smi) of its own.
/// </summary>
public sealed class EnvironmentProbe(EnvironmentProbe.Paths paths)
{
    public sealed record Paths(string BlasLink, string LibTorchDir, string FashionMnistDir, string Chromium)
    {
        /// <summary>The homm-train to ask (<c>--doctor</c>); null when none was found.</summary>
        public string? HommTrain { get; init; }

        /// <summary>The nvidia-smi to ask for the GPUs.</summary>
        public string NvidiaSmi { get; init; } = "nvidia-smi";

        public static Paths Debian { get; } = new(
            "/usr/lib/x86_64-linux-gnu/libblas.so.3",
            "/usr/lib/x86_64-linux-gnu",
            "/usr/share/datasets/fashion-mnist",
            "/usr/bin/chromium");
    }

    public static readonly IReadOnlyList<string> FashionMnistFiles =
    [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
    ];

    public IReadOnlyList<EnvironmentCheck> Run()
    {
        var (trainer, libtorch) = CheckHommTrain();
        return [CheckBlas(), CheckLibTorch(), trainer, CheckGpus(libtorch), CheckFashionMnist(), CheckChromium()];
    }

    /// <summary>Runs <c>homm-train --doctor</c>: which libtorch the trainer loads, a CUDA build or not, the CUDA devices it sees.</summary>
    public (EnvironmentCheck Check, TrainerLibTorch? LibTorch) CheckHommTrain()
    {
        const string name = "homm-train";
        if (paths.HommTrain is not { } path)
            return (new(name, false, "not found", "run ./homm-search once (it builds .build/trainer), or set HOMM_TRAIN to its path"), null);
        string output;
        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, "--doctor")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            })!;
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return (new(name, false, $"{path} --doctor did not answer within 60 s"), null);
            }
            output += stderr.Result;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (new(name, false, $"{path} cannot be started: {e.Message}"), null);
        }
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("{\"doctor\"", StringComparison.Ordinal));
        if (line is null)
            return (new(name, false, $"{path} --doctor said: {output.Trim()}", "rebuild it (./homm-search does)"), null);
        var doctor = JsonDocument.Parse(line).RootElement.GetProperty("doctor");
        if (doctor.TryGetProperty("error", out var error))
            return (new(name, false, $"{path}: {error.GetString()}", "install libtorch-dev (scripts/bootstrap does) or build HoMM.Torch against another libtorch (src/HoMM.Torch/README.md)"), null);
        var libtorch = new TrainerLibTorch(
            doctor.GetProperty("torch").GetString() ?? "?",
            doctor.GetProperty("cuda_build").GetBoolean(),
            doctor.TryGetProperty("cuda_runtime", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString() : null,
            doctor.GetProperty("cuda_available").GetBoolean(),
            doctor.GetProperty("cuda_devices").GetInt32());
        var build = libtorch.CudaBuild ? $"CUDA {libtorch.CudaRuntime ?? "?"} build, {libtorch.CudaDevices} CUDA device(s) visible" : "CPU build";
        return (new(name, true, $"{path}: libtorch {libtorch.Version}, {build}"), libtorch);
    }

    /// <summary>
    /// The GPUs nvidia-smi lists, with their memory. None is fine (trials run on CPU slots); GPUs
    /// with a homm-train whose libtorch is a CPU build are not: it would never use them.
    /// </summary>
    public EnvironmentCheck CheckGpus(TrainerLibTorch? libtorch)
    {
        const string name = "GPUs";
        var gpus = GpuInventory.Query(paths.NvidiaSmi);
        if (gpus is null)
            return new(name, true, "none: nvidia-smi is not available (no NVIDIA driver); trials run on CPU slots");
        if (gpus.Count == 0)
            return new(name, true, "nvidia-smi lists no GPU; trials run on CPU slots");
        var detail = string.Join("; ", gpus);
        return libtorch is { CudaBuild: false }
            ? new(name, false, detail,
                "homm-train's libtorch is a CPU build and cannot use them: build it against a CUDA libtorch, " +
                "e.g. Torch_DIR=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')/Torch (docs/gpu.md)")
            : new(name, true, detail);
    }

    /// <summary>
    /// Debian's libtorch calls whatever libblas.so.3 the alternatives system points at; the
    /// reference BLAS makes training about 10× slower than OpenBLAS.
    /// </summary>
    public EnvironmentCheck CheckBlas()
    {
        var target = ResolveLink(paths.BlasLink);
        if (target is null)
            return new("BLAS", false, $"{paths.BlasLink} not found", "run scripts/bootstrap");
        var kind = DescribeBlas(target);
        var fast = kind.StartsWith("OpenBLAS", StringComparison.Ordinal);
        return new("BLAS", fast, $"{kind} ({target})",
            fast ? null : "install libopenblas0-openmp (scripts/bootstrap does) so libtorch does not use the reference BLAS");
    }

    public static string DescribeBlas(string resolvedPath) => resolvedPath switch
    {
        _ when resolvedPath.Contains("openblas-openmp", StringComparison.Ordinal) => "OpenBLAS (OpenMP)",
        _ when resolvedPath.Contains("openblas-pthread", StringComparison.Ordinal) => "OpenBLAS (pthreads)",
        _ when resolvedPath.Contains("openblas-serial", StringComparison.Ordinal) => "OpenBLAS (serial)",
        _ when resolvedPath.Contains("blis", StringComparison.Ordinal) => "BLIS",
        _ when resolvedPath.Contains("mkl", StringComparison.Ordinal) => "Intel MKL",
        _ when resolvedPath.Contains("atlas", StringComparison.Ordinal) => "ATLAS",
        _ => "reference BLAS (slow)",
    };

    public EnvironmentCheck CheckLibTorch()
    {
        var lib = Path.Combine(paths.LibTorchDir, "libtorch.so");
        return File.Exists(lib)
            ? new("libtorch", true, lib)
            : new("libtorch", false, $"{lib} not found", "install libtorch-dev (scripts/bootstrap does), or set Torch_DIR to another libtorch");
    }

    public EnvironmentCheck CheckFashionMnist()
    {
        var missing = FashionMnistFiles.Where(f => !File.Exists(Path.Combine(paths.FashionMnistDir, f))).ToList();
        return missing.Count == 0
            ? new("Fashion-MNIST", true, paths.FashionMnistDir)
            : new("Fashion-MNIST", false, $"missing in {paths.FashionMnistDir}: {string.Join(", ", missing)}",
                "install dataset-fashion-mnist (scripts/bootstrap does)");
    }

    public EnvironmentCheck CheckChromium() =>
        File.Exists(paths.Chromium)
            ? new("Chromium", true, paths.Chromium)
            : new("Chromium", false, $"{paths.Chromium} not found (only the browser tests need it)", "install chromium (scripts/bootstrap does)");

    private static string? ResolveLink(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            return null;
        return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
    }
}
