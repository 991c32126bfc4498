using System.Runtime.InteropServices;

namespace HoMM.Torch.Native;

/// <summary>
/// libgomp (OpenMP, used by libtorch and OpenBLAS) spin-waits its idle threads unless
/// OMP_WAIT_POLICY=PASSIVE, burning the cores a training step needs between parallel regions. It
/// reads the variable once, when it loads, through the C library's environment — which
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not update — so the
/// value is set with libc's setenv before the first call into the shim loads libtorch.
/// A value the user already exported is left alone.
/// </summary>
internal static partial class OpenMpPolicy
{
    internal const string Variable = "OMP_WAIT_POLICY";
    internal const string Passive = "PASSIVE";

    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // overwrite = 0: keeps a value set by the user.
        _ = setenv(Variable, Passive, 0);
    }

    /// <summary>The value native code sees (not .NET's copy of the environment).</summary>
    internal static string? NativeValue() => Marshal.PtrToStringUTF8(getenv(Variable));

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);
}
