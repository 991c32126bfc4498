using System.Runtime.InteropServices;
using HoMM.Torch.Native;

namespace HoMM.Torch;

/// <summary>
/// An error raised inside libtorch (a shape mismatch, an unsupported dtype, out of memory...),
/// carrying libtorch's own message. The native call failed cleanly: nothing was half-done on the
/// C# side and the process can go on. Derives from <see cref="ExternalException"/> as
/// TorchSharp's errors do, so handlers written for either catch both.
/// </summary>
public sealed class TorchException : ExternalException
{
    public TorchException()
    {
    }

    public TorchException(string message)
        : base(message)
    {
    }

    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when libtorch ran out of device or host memory (the trainer reports it as such).</summary>
    public bool IsOutOfMemory => Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || Message.Contains("DefaultCPUAllocator: can't allocate memory", StringComparison.Ordinal);

    internal static TorchException FromNative()
    {
        var message = Marshal.PtrToStringUTF8(NativeMethods.ht_last_error());
        return new TorchException(string.IsNullOrEmpty(message) ? "libtorch reported an error without a message" : message);
    }

    internal static void Check(int status)
    {
        if (status < 0)
        {
            throw FromNative();
        }
    }

    internal static IntPtr Check(IntPtr handle) => handle == IntPtr.Zero ? throw FromNative() : handle;
}
