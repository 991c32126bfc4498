using Microsoft.Win32.SafeHandles;

namespace HoMM.Torch.Native;

/// <summary>An owned <c>at::Tensor*</c> of the shim; released exactly once, by Dispose or, as a
/// last resort, by the finalizer (which is too late to bound memory: dispose deterministically).</summary>
internal sealed class TensorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Passed where the C ABI takes an optional tensor (nullptr); never released.</summary>
    internal static readonly TensorHandle Null = new();

    public TensorHandle()
        : base(ownsHandle: true)
    {
    }

    internal TensorHandle(IntPtr handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        NativeMethods.ht_free(handle);
        return true;
    }
}
