using System.Runtime.InteropServices;
using HoMM.Torch.Native;

namespace HoMM.Torch;

/// <summary>
/// The libtorch API, named and shaped like TorchSharp's <c>TorchSharp.torch</c> (itself PyTorch's
/// names): code written against it moves to TorchSharp by changing its <c>using</c>s.
/// Grad mode, autocast and dispose scopes are per thread, as in libtorch.
/// </summary>
#pragma warning disable CA1707, IDE1006 // PyTorch's names, on purpose.
public static partial class torch
{
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType float16 = ScalarType.Float16;
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int16 = ScalarType.Int16;
    public const ScalarType int8 = ScalarType.Int8;
    public const ScalarType uint8 = ScalarType.Byte;
    public const ScalarType @bool = ScalarType.Bool;
    public const ScalarType @float = ScalarType.Float32;
    public const ScalarType @double = ScalarType.Float64;
    public const ScalarType half = ScalarType.Float16;
    public const ScalarType @long = ScalarType.Int64;
    public const ScalarType @int = ScalarType.Int32;

    /// <summary>The libtorch version the shim runs against, e.g. "1.13.0".</summary>
    public static string __version__ => Marshal.PtrToStringUTF8(NativeMethods.ht_version()) ?? "unknown";

    /// <summary>libtorch's build configuration (BLAS, OpenMP, CPU capability...), as torch.__config__.show().</summary>
    public static string show_config()
    {
        var p = NativeMethods.ht_show_config();
        return p == IntPtr.Zero ? throw TorchException.FromNative() : Marshal.PtrToStringUTF8(p) ?? string.Empty;
    }

    /// <summary>Seeds every generator of libtorch (CPU and CUDA): dropout, randn, init.</summary>
    public static void manual_seed(long seed) => TorchException.Check(NativeMethods.ht_manual_seed(unchecked((ulong)seed)));

    /// <summary>Intra-op threads (OpenMP) of libtorch for the whole process.</summary>
    public static void set_num_threads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        TorchException.Check(NativeMethods.ht_set_num_threads(threads));
    }

    public static int get_num_threads()
    {
        var n = NativeMethods.ht_get_num_threads();
        TorchException.Check(n);
        return n;
    }

    /// <summary>Inter-op threads; libtorch accepts this only once, before any parallel work.</summary>
    public static void set_num_interop_threads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        TorchException.Check(NativeMethods.ht_set_num_interop_threads(threads));
    }

    /// <summary>Opens a dispose scope on this thread: tensors created until it is disposed belong to it.</summary>
    public static DisposeScope NewDisposeScope() => DisposeScope.Push();

    // ---- autograd modes

    public static bool is_grad_enabled() => NativeMethods.ht_is_grad_enabled() != 0;

    /// <summary>Disables gradient recording on this thread until the returned value is disposed.</summary>
    public static IDisposable no_grad() => new GradMode(false);

    public static IDisposable enable_grad(bool enabled = true) => new GradMode(enabled);

    public static void set_grad_enabled(bool enabled) => NativeMethods.ht_set_grad_enabled(enabled ? 1 : 0);

    private sealed class GradMode : IDisposable
    {
        private readonly bool _previous;
        private bool _disposed;

        internal GradMode(bool enabled)
        {
            _previous = is_grad_enabled();
            set_grad_enabled(enabled);
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                set_grad_enabled(_previous);
                _disposed = true;
            }
        }
    }

    /// <summary>
    /// Mixed precision for the block: eligible ops (matmul, linear, conv) run in
    /// <paramref name="dtype"/> (CUDA default float16, CPU default bfloat16), as torch.autocast.
    /// Disposing the scope restores the thread's previous autocast state, also when the block
    /// threw (use it with <c>using</c>); scopes nest.
    /// </summary>
    public static IDisposable autocast(DeviceType device_type, ScalarType? dtype = null, bool enabled = true) =>
        new AutocastMode(device_type, dtype ?? (device_type == DeviceType.CUDA ? ScalarType.Float16 : ScalarType.BFloat16), enabled);

    public static bool is_autocast_enabled(DeviceType device_type = DeviceType.CUDA)
    {
        TorchException.Check(NativeMethods.ht_autocast_get((int)device_type, out var enabled, out _));
        return enabled != 0;
    }

    private sealed class AutocastMode : IDisposable
    {
        private readonly DeviceType _device;
        private readonly int _previousEnabled;
        private readonly int _previousDtype;
        private bool _disposed;

        internal AutocastMode(DeviceType device, ScalarType dtype, bool enabled)
        {
            _device = device;
            TorchException.Check(NativeMethods.ht_autocast_get((int)device, out _previousEnabled, out _previousDtype));
            TorchException.Check(NativeMethods.ht_autocast_set((int)device, enabled ? 1 : 0, (int)dtype));
            if (NativeMethods.ht_autocast_enter() < 0)
            {
                // No scope object reaches the caller, so nothing would restore the state: do it here.
                var error = TorchException.FromNative();
                NativeMethods.ht_autocast_set((int)device, _previousEnabled, _previousDtype);
                throw error;
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            TorchException.Check(NativeMethods.ht_autocast_exit());
            TorchException.Check(NativeMethods.ht_autocast_set((int)_device, _previousEnabled, _previousDtype));
        }
    }

    /// <summary>CUDA devices, as torch.cuda.</summary>
    public static class cuda
    {
        public static bool is_available() => Check(NativeMethods.ht_cuda_is_available()) == 1;

        public static int device_count() => Check(NativeMethods.ht_cuda_device_count());

        public static void synchronize(int device = -1) => Check(NativeMethods.ht_cuda_synchronize(device));

        /// <summary>Bytes held by tensors on the device now; -1 when libtorch was built without CUDA.</summary>
        public static long memory_allocated(int device = 0)
        {
            Check(NativeMethods.ht_cuda_memory_stats(device, 0, out var allocated, out _));
            return allocated;
        }

        /// <summary>The most bytes held by tensors on the device since the last reset; -1 without CUDA.</summary>
        public static long max_memory_allocated(int device = 0)
        {
            Check(NativeMethods.ht_cuda_memory_stats(device, 0, out _, out var peak));
            return peak;
        }

        public static void reset_peak_memory_stats(int device = 0) =>
            Check(NativeMethods.ht_cuda_memory_stats(device, 1, out _, out _));

        private static int Check(int status)
        {
            TorchException.Check(status);
            return status;
        }
    }
}
#pragma warning restore CA1707, IDE1006
