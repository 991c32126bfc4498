using System.Text.Json;
using System.Text.RegularExpressions;
using HoMM.Torch;

namespace HoMM.Trainer.Doctor;

/// <summary>
/// <c>homm-train --doctor</c>: the libtorch this trainer loads, whether it is a CUDA build and which
/// CUDA devices it sees, as one JSON line (<c>{"doctor":{…}}</c>) that <c>homm-search doctor</c>
/// reads — the CLI does not load libtorch itself. Exit 0; 1 with <c>{"doctor":{"error":…}}</c>
/// when libtorch (or the shim) cannot be loaded.
/// </summary>
public static partial class DoctorReport
{
    public static int Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Dictionary<string, object?> report;
        var exit = 0;
        try
        {
            var config = torch.show_config();
            report = new()
            {
                ["torch"] = torch.__version__,
                // libtorch's own build settings: a CPU build cannot use a GPU whatever the machine has.
                ["cuda_build"] = CudaBuild(config),
                ["cuda_runtime"] = CudaRuntime(config),
                ["cuda_available"] = torch.cuda.is_available(),
                ["cuda_devices"] = torch.cuda.device_count(),
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TorchException or BadImageFormatException)
        {
            report = new() { ["error"] = $"libtorch could not be loaded: {e.Message}" };
            exit = 1;
        }
        output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["doctor"] = report }));
        return exit;
    }

    /// <summary>True when the build settings say <c>USE_CUDA=ON</c> (or 1), as <c>torch.__config__.show()</c> prints them.</summary>
    public static bool CudaBuild(string config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return UseCuda().Match(config) is { Success: true } m && m.Groups[1].Value is "ON" or "1" or "TRUE";
    }

    /// <summary>The CUDA runtime version a CUDA build names (<c>  - CUDA Runtime 12.4</c>), or null.</summary>
    public static string? CudaRuntime(string config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return CudaRuntimeLine().Match(config) is { Success: true } m ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"\bUSE_CUDA=(\w+)")]
    private static partial Regex UseCuda();

    [GeneratedRegex(@"CUDA Runtime ([0-9.]+)")]
    private static partial Regex CudaRuntimeLine();
}
