namespace HoMM.Cli.Doctor;

/// <summary>One fact about the machine that a search depends on, and what to do when it is missing.</summary>
public sealed record EnvironmentCheck(string Name, bool Ok, string Detail, string? Fix = null);

/// <summary>
/// Reads what a search needs from this machine: the BLAS libtorch will load, libtorch itself,
/// the Fashion-MNIST files, GPUs and a browser for the dashboard tests. Paths are parameters so
/// a test can point the probe at a folder of its own.
/// </summary>
public sealed class EnvironmentProbe(EnvironmentProbe.Paths paths)
{
    public sealed record Paths(string BlasLink, string LibTorchDir, string FashionMnistDir, string Chromium)
    {
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

    public IReadOnlyList<EnvironmentCheck> Run() =>
        [CheckBlas(), CheckLibTorch(), CheckFashionMnist(), CheckChromium()];

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
