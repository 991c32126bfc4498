using System.Globalization;
using System.Runtime.InteropServices;
using HoMM.Torch.Native;

namespace HoMM.Torch;

public static partial class torch
{
    /// <summary>
    /// A libtorch tensor (an owned native handle). Dispose it, or let the enclosing
    /// <see cref="DisposeScope"/> do so: the GC alone frees native memory far too late.
    /// A tensor created while a dispose scope is current on this thread belongs to that scope.
    /// </summary>
    public partial class Tensor : IDisposable
    {
        internal Tensor(IntPtr handle)
        {
            Handle = new TensorHandle(TorchException.Check(handle));
            DisposeScope.Register(this);
        }

        /// <summary>Takes over the native tensor of <paramref name="source"/>, which is left disposed
        /// (how a <see cref="Modules.Parameter"/> is made from a tensor); not tracked by any scope.</summary>
        private protected Tensor(Tensor source)
        {
            ArgumentNullException.ThrowIfNull(source);
            Handle = new TensorHandle(TorchException.Check(NativeMethods.ht_detach(source.Handle)));
            source.Dispose();
        }

        internal TensorHandle Handle { get; }

        internal DisposeScope? OwningDisposeScope { get; set; }

        /// <summary>Native tensor handles alive in the process (all threads): a test's leak detector.</summary>
        public static long LiveCount => NativeMethods.ht_live_tensors();

        public bool IsInvalid => Handle.IsClosed || Handle.IsInvalid;

        internal static Tensor Wrap(IntPtr handle) => new(handle);

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                OwningDisposeScope?.Forget(this);
                Handle.Dispose();
            }
        }

        /// <summary>Hands this tensor to the dispose scope outside its own (or detaches it when none).</summary>
        public Tensor MoveToOuterDisposeScope() => OwningDisposeScope?.MoveToOuter(this) ?? this;

        /// <summary>No scope disposes this tensor any more: the caller owns it.</summary>
        public Tensor DetachFromDisposeScope() => OwningDisposeScope?.Detach(this) ?? this;

        // ---- properties

        public long[] shape
        {
            get
            {
                Span<long> buffer = stackalloc long[16];
                var n = NativeMethods.ht_dim(Handle);
                TorchException.Check(n);
                if (n > buffer.Length)
                {
                    buffer = new long[n];
                }

                TorchException.Check(NativeMethods.ht_shape(Handle, buffer));
                return buffer[..n].ToArray();
            }
        }

        public long size(int dim)
        {
            var s = shape;
            var d = dim < 0 ? dim + s.Length : dim;
            return d >= 0 && d < s.Length
                ? s[d]
                : throw new ArgumentOutOfRangeException(nameof(dim), dim, $"the tensor has {s.Length} dimensions");
        }

        public long[] size() => shape;

        public long dim()
        {
            var n = NativeMethods.ht_dim(Handle);
            TorchException.Check(n);
            return n;
        }

        public long Dimensions => dim();

        public long numel() => NativeMethods.ht_numel(Handle);

        public long NumberOfElements => numel();

        public ScalarType dtype => (ScalarType)NativeMethods.ht_dtype(Handle);

        public Device device
        {
            get
            {
                var type = NativeMethods.ht_device(Handle, out var index);
                return new Device((DeviceType)type, index);
            }
        }

        public DeviceType device_type => (DeviceType)NativeMethods.ht_device(Handle, out _);

        public bool requires_grad
        {
            get => NativeMethods.ht_requires_grad(Handle) != 0;
            set => TorchException.Check(NativeMethods.ht_set_requires_grad(Handle, value ? 1 : 0));
        }

        public Tensor requires_grad_(bool requires_grad = true)
        {
            this.requires_grad = requires_grad;
            return this;
        }

        public bool is_leaf => NativeMethods.ht_is_leaf(Handle) != 0;

        /// <summary>
        /// The accumulated gradient (a new handle to it each time, owned by the current scope), or
        /// null when backward has not reached this tensor. Setting null drops it (zero_grad with
        /// set_to_none).
        /// </summary>
        public Tensor? grad
        {
            get
            {
                TorchException.Check(NativeMethods.ht_grad(Handle, out var g));
                return g == IntPtr.Zero ? null : Wrap(g);
            }

            set => TorchException.Check(NativeMethods.ht_set_grad(Handle, value?.Handle ?? TensorHandle.Null));
        }

        // ---- autograd

        /// <summary>Back-propagates from this tensor (a scalar unless <paramref name="gradient"/> is given).</summary>
        public void backward(Tensor? gradient = null, bool? retain_graph = null, bool create_graph = false)
        {
            var retain = retain_graph is null ? -1 : (retain_graph.Value ? 1 : 0);
            TorchException.Check(NativeMethods.ht_backward(Handle, gradient?.Handle ?? TensorHandle.Null, retain, create_graph ? 1 : 0));
        }

        public Tensor retain_grad()
        {
            TorchException.Check(NativeMethods.ht_retain_grad(Handle));
            return this;
        }

        public Tensor detach() => Wrap(NativeMethods.ht_detach(Handle));

        public Tensor detach_()
        {
            TorchException.Check(NativeMethods.ht_detach_(Handle));
            return this;
        }

        /// <summary>A second handle to the same tensor (same storage, same autograd identity).</summary>
        public Tensor alias() => Wrap(NativeMethods.ht_alias(Handle));

        /// <summary>Replaces what this tensor holds, keeping its identity for autograd (param.data = x).</summary>
        public Tensor set_(Tensor source)
        {
            ArgumentNullException.ThrowIfNull(source);
            TorchException.Check(NativeMethods.ht_set_data(Handle, source.Handle));
            return this;
        }

        public Tensor clone() => Wrap(NativeMethods.ht_clone(Handle));

        public Tensor contiguous() => Wrap(NativeMethods.ht_contiguous(Handle));

        // ---- conversion

        public Tensor to(ScalarType type, bool copy = false) => Wrap(NativeMethods.ht_to(Handle, (int)type, -1, -1, copy ? 1 : 0));

        public Tensor to(Device device, bool copy = false)
        {
            ArgumentNullException.ThrowIfNull(device);
            return Wrap(NativeMethods.ht_to(Handle, -1, (int)device.type, device.index, copy ? 1 : 0));
        }

        public Tensor to(ScalarType type, Device device, bool copy = false)
        {
            ArgumentNullException.ThrowIfNull(device);
            return Wrap(NativeMethods.ht_to(Handle, (int)type, (int)device.type, device.index, copy ? 1 : 0));
        }

        public Tensor to(DeviceType deviceType, int deviceIndex = -1, bool copy = false) =>
            Wrap(NativeMethods.ht_to(Handle, -1, (int)deviceType, deviceIndex, copy ? 1 : 0));

        public Tensor to(string device) => to(new Device(device));

        /// <summary>
        /// to(device, non_blocking: true): from pinned host memory (<see cref="pin_memory"/>) to a GPU
        /// the copy is queued on the current stream and this returns at once. The source must not be
        /// overwritten until the stream has run the copy (a later item() or synchronize waits for it).
        /// </summary>
        public Tensor to(Device device, bool non_blocking, bool copy)
        {
            ArgumentNullException.ThrowIfNull(device);
            return copy || !non_blocking
                ? to(device, copy)
                : Wrap(NativeMethods.ht_to_non_blocking(Handle, (int)device.type, device.index));
        }

        /// <summary>A copy in page-locked host memory (needs CUDA), the source of asynchronous copies to a GPU.</summary>
        public Tensor pin_memory() => Wrap(NativeMethods.ht_pin_memory(Handle));

        /// <summary>Whether the elements sit in page-locked host memory.</summary>
        public bool is_pinned()
        {
            var pinned = NativeMethods.ht_is_pinned(Handle);
            TorchException.Check(pinned);
            return pinned == 1;
        }

        /// <summary>
        /// Overwrites this CPU tensor's elements with <paramref name="source"/> in one memcpy (a reused
        /// input buffer: no allocation per batch). The tensor must be contiguous and hold exactly as
        /// many elements of <typeparamref name="T"/>'s dtype.
        /// </summary>
        public unsafe void copy_from<T>(ReadOnlySpan<T> source)
            where T : unmanaged
        {
            var n = CheckedElementCount<T>(source.Length, "source");
            fixed (T* p = source)
            {
                TorchException.Check(NativeMethods.ht_copy_in(Handle, p, n * sizeof(T)));
            }
        }

        public Tensor to_type(ScalarType type) => to(type);

        public Tensor cpu() => to(DeviceType.CPU);

        public Tensor cuda(int deviceIndex = -1) => to(DeviceType.CUDA, deviceIndex);

        public Tensor @float() => to(ScalarType.Float32);

        public Tensor @double() => to(ScalarType.Float64);

        public Tensor @long() => to(ScalarType.Int64);

        public Tensor @int() => to(ScalarType.Int32);

        public Tensor @bool() => to(ScalarType.Bool);

        public Tensor bfloat16() => to(ScalarType.BFloat16);

        public Tensor half() => to(ScalarType.Float16);

        // ---- reading values

        /// <summary>The value of a one-element tensor, converted to T.</summary>
        public T item<T>()
            where T : unmanaged
        {
            if (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(short)
                || typeof(T) == typeof(byte) || typeof(T) == typeof(sbyte))
            {
                TorchException.Check(NativeMethods.ht_item_int(Handle, out var l));
                return (T)Convert.ChangeType(l, typeof(T), CultureInfo.InvariantCulture);
            }

            TorchException.Check(NativeMethods.ht_item(Handle, out var d));
            if (typeof(T) == typeof(double)) return (T)(object)d;
            if (typeof(T) == typeof(float)) return (T)(object)(float)d;
            if (typeof(T) == typeof(bool)) return (T)(object)(d != 0);
            if (typeof(T) == typeof(Half)) return (T)(object)(Half)d;
            throw new NotSupportedException($"item<{typeof(T).Name}> is not supported; use float, double, long, int, short, byte, sbyte, bool or Half");
        }

        public float ToSingle() => item<float>();

        public double ToDouble() => item<double>();

        public long ToInt64() => item<long>();

        public int ToInt32() => item<int>();

        public bool ToBoolean() => item<bool>();

        /// <summary>The elements in row-major order (copied to the CPU first when needed). T must match
        /// the tensor's dtype exactly: convert with <see cref="to(ScalarType, bool)"/> first.</summary>
        public T[] ToArray<T>()
            where T : unmanaged
        {
            var result = new T[numel()];
            CopyTo<T>(result);
            return result;
        }

        public unsafe void CopyTo<T>(Span<T> destination)
            where T : unmanaged
        {
            var n = CheckedElementCount<T>(destination.Length, "destination");
            fixed (T* p = destination)
            {
                TorchException.Check(NativeMethods.ht_copy_out(Handle, p, n * sizeof(T)));
            }
        }

        /// <summary>numel(), after checking that a managed buffer of <paramref name="length"/> elements of <typeparamref name="T"/> matches this tensor's dtype and size.</summary>
        private long CheckedElementCount<T>(int length, string buffer)
            where T : unmanaged
        {
            var want = ScalarTypes.Of<T>();
            var have = dtype;
            if (want != have)
            {
                throw new InvalidOperationException($"the tensor holds {have}, not {want} ({typeof(T).Name}); convert it with .to(ScalarType.{want}) first");
            }

            var n = numel();
            if (length != n)
            {
                throw new ArgumentException($"the tensor has {n} elements but the {buffer} {length}", buffer);
            }

            return n;
        }

        /// <summary>The raw bytes of the elements, row-major, whatever the dtype (serialization).</summary>
        public unsafe byte[] bytes()
        {
            var result = new byte[numel() * ScalarTypes.ElementSize(dtype)];
            fixed (byte* p = result)
            {
                TorchException.Check(NativeMethods.ht_copy_out(Handle, p, result.LongLength));
            }

            return result;
        }

        /// <summary>"[2x3], type = Float32, device = cpu" (TorchSharp's summary).</summary>
        public override string ToString()
        {
            if (IsInvalid)
            {
                return "[disposed tensor]";
            }

            var dims = string.Join('x', shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            return $"[{dims}], type = {dtype}, device = {device}";
        }

        /// <summary>libtorch's printout, values included.</summary>
        public string str()
        {
            var p = NativeMethods.ht_to_string(Handle);
            return p == IntPtr.Zero ? throw TorchException.FromNative() : Marshal.PtrToStringUTF8(p) ?? string.Empty;
        }
    }
}
