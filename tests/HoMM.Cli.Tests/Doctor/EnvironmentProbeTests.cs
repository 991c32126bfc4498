using HoMM.Cli.Doctor;

namespace HoMM.Cli.Tests.Doctor;

// The fake nvidia-smi is a shell script made executable.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EnvironmentProbeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("homm-probe-");

    public void Dispose() => _dir.Delete(recursive: true);

    private EnvironmentProbe ProbeWithBlasTarget(string targetRelative)
    {
        var target = Path.Combine(_dir.FullName, targetRelative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "");
        var link = Path.Combine(_dir.FullName, "libblas.so.3");
        File.CreateSymbolicLink(link, target);
        return new EnvironmentProbe(new(link, _dir.FullName, _dir.FullName, Path.Combine(_dir.FullName, "chromium")));
    }

    [Fact]
    public void CheckBlas_LinkToOpenBlasOpenMp_IsOk()
    {
        var check = ProbeWithBlasTarget("openblas-openmp/libblas.so.3").CheckBlas();

        Assert.True(check.Ok);
        Assert.StartsWith("OpenBLAS (OpenMP)", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckBlas_LinkToReferenceBlas_FailsWithFix()
    {
        var check = ProbeWithBlasTarget("blas/libblas.so.3").CheckBlas();

        Assert.False(check.Ok);
        Assert.Contains("reference BLAS", check.Detail, StringComparison.Ordinal);
        Assert.Contains("libopenblas0-openmp", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckFashionMnist_MissingFiles_NamesThem()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "train-images-idx3-ubyte.gz"), "");
        var probe = new EnvironmentProbe(new("/nonexistent", _dir.FullName, _dir.FullName, "/nonexistent"));

        var check = probe.CheckFashionMnist();

        Assert.False(check.Ok);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", check.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("train-images", check.Detail, StringComparison.Ordinal);
    }

    private string FakeNvidiaSmi()
    {
        var path = Path.Combine(_dir.FullName, "nvidia-smi");
        File.WriteAllText(path, "#!/bin/sh\necho \"0, NVIDIA H100 80GB HBM3, 81559, 1\"\necho \"1, NVIDIA A10, 23028, 4113\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private EnvironmentProbe Probe(string? hommTrain = null, string nvidiaSmi = "/nonexistent/nvidia-smi") =>
        new(new EnvironmentProbe.Paths("/nonexistent", _dir.FullName, _dir.FullName, "/nonexistent") { HommTrain = hommTrain, NvidiaSmi = nvidiaSmi });

    [Fact]
    public void CheckHommTrain_TheBuiltHommTrain_ReportsTheLibtorchItLoads()
    {
        // The real homm-train, built next to these tests, on Debian's CPU libtorch 1.13.
        var (check, libtorch) = Probe(Path.Combine(AppContext.BaseDirectory, "homm-train")).CheckHommTrain();

        Assert.True(check.Ok, check.Detail);
        Assert.NotNull(libtorch);
        Assert.StartsWith("1.13", libtorch.Version, StringComparison.Ordinal);
        Assert.False(libtorch.CudaBuild);
        Assert.Equal(0, libtorch.CudaDevices);
        Assert.EndsWith($"libtorch {libtorch.Version}, CPU build", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckHommTrain_NotFound_SaysHowToGetIt()
    {
        var (check, libtorch) = Probe().CheckHommTrain();

        Assert.False(check.Ok);
        Assert.Null(libtorch);
        Assert.Contains("HOMM_TRAIN", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckGpus_NoNvidiaSmi_IsFineAndSaysTrialsRunOnCpuSlots()
    {
        var check = Probe().CheckGpus(null);

        Assert.True(check.Ok);
        Assert.Contains("no NVIDIA driver", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckGpus_TwoGpusAndACpuLibtorch_ListsThemAndSaysHowToUseThem()
    {
        var probe = Probe(nvidiaSmi: FakeNvidiaSmi());

        var cpuBuild = probe.CheckGpus(new TrainerLibTorch("1.13.0", CudaBuild: false, null, false, 0));
        var cudaBuild = probe.CheckGpus(new TrainerLibTorch("2.11.0", CudaBuild: true, "13.0", true, 2));

        Assert.False(cpuBuild.Ok);
        Assert.Equal("GPU 0: NVIDIA H100 80GB HBM3, 81,559 MiB (1 MiB in use); GPU 1: NVIDIA A10, 23,028 MiB (4,113 MiB in use)", cpuBuild.Detail);
        Assert.Contains("Torch_DIR", cpuBuild.Fix, StringComparison.Ordinal);
        Assert.True(cudaBuild.Ok);
        Assert.Equal(cpuBuild.Detail, cudaBuild.Detail);
    }
}
