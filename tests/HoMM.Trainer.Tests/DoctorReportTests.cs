using System.Text.Json;
using HoMM.Trainer.Doctor;

namespace HoMM.Trainer.Tests;

public sealed class DoctorReportTests
{
    [Fact]
    public void Main_Doctor_PrintsTheLoadedLibtorchAsOneJsonLine()
    {
        using var trainer = TrainerProcess.Start("--doctor");

        var line = trainer.ReadUntil(l => l.StartsWith("{\"doctor\"", StringComparison.Ordinal), TimeSpan.FromMinutes(1));

        Assert.NotNull(line);
        var doctor = JsonDocument.Parse(line).RootElement.GetProperty("doctor");
        Assert.StartsWith("1.13", doctor.GetProperty("torch").GetString(), StringComparison.Ordinal); // Debian's libtorch here
        Assert.False(doctor.GetProperty("cuda_build").GetBoolean());
        Assert.Equal(0, doctor.GetProperty("cuda_devices").GetInt32());
    }

    // The build settings as torch.__config__.show() prints them: Debian's CPU build here, and the
    // lines a CUDA build adds (no CUDA libtorch runs on this machine).
    [Theory]
    [InlineData("  - Build settings: BLAS_INFO=generic, TORCH_VERSION=1.13.0, USE_CUDA=OFF, USE_CUDNN=OFF, ", false, null)]
    [InlineData("  - CUDA Runtime 12.4\n  - CuDNN 90.1\n  - Build settings: TORCH_VERSION=2.6.0, USE_CUDA=ON, USE_CUDNN=ON, ", true, "12.4")]
    [InlineData("no build settings at all", false, null)]
    public void CudaBuildAndRuntime_BuildConfig_ReadUseCudaAndTheRuntimeVersion(string config, bool cuda, string? runtime)
    {
        Assert.Equal(cuda, DoctorReport.CudaBuild(config));
        Assert.Equal(runtime, DoctorReport.CudaRuntime(config));
    }
}
