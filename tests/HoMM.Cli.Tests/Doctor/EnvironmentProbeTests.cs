using HoMM.Cli.Doctor;

namespace HoMM.Cli.Tests.Doctor;

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
}
