using System.Runtime.InteropServices;
using HoMM.Torch.Native;

namespace HoMM.Torch;

#pragma warning disable CA1707, IDE1006 // PyTorch's names, on purpose.
public static partial class torch
{
    private static int Dt(ScalarType? type) => type is null ? -1 : (int)type.Value;

    private static int DevType(Device? device) => (int)(device?.type ?? DeviceType.CPU);

    private static int DevIndex(Device? device) => device?.index ?? -1;

    private static int Rg(bool requiresGrad) => requiresGrad ? 1 : 0;

    private static long[] Checked(long[] size) => size ?? throw new ArgumentNullException(nameof(size));

    // ---- filled tensors

    public static Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.Wrap(NativeMethods.ht_empty(Checked(size), size.Length, Dt(dtype), DevType(device), DevIndex(device), Rg(requires_grad)));

    public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.Wrap(NativeMethods.ht_zeros(Checked(size), size.Length, Dt(dtype), DevType(device), DevIndex(device), Rg(requires_grad)));

    public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.Wrap(NativeMethods.ht_ones(Checked(size), size.Length, Dt(dtype), DevType(device), DevIndex(device), Rg(requires_grad)));

    /// <summary>Samples of N(0, 1) from the default generator (seeded by <see cref="manual_seed"/>).</summary>
    public static Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.Wrap(NativeMethods.ht_randn(Checked(size), size.Length, Dt(dtype), DevType(device), DevIndex(device), Rg(requires_grad)));

    /// <summary>Samples of U[0, 1).</summary>
    public static Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.Wrap(NativeMethods.ht_rand(Checked(size), size.Length, Dt(dtype), DevType(device), DevIndex(device), Rg(requires_grad)));

    public static Tensor full(long[] size, double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.Wrap(NativeMethods.ht_full(Checked(size), size.Length, value, 0, Dt(dtype), DevType(device), DevIndex(device), Rg(requires_grad)));

    public static Tensor full(long[] size, long value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.Wrap(NativeMethods.ht_full(Checked(size), size.Length, value, 1, Dt(dtype ?? ScalarType.Int64), DevType(device), DevIndex(device), Rg(requires_grad)));

    /// <summary>Integers uniform in [low, high); int64 unless told otherwise.</summary>
    public static Tensor randint(long low, long high, long[] size, ScalarType? dtype = null, Device? device = null) =>
        Tensor.Wrap(NativeMethods.ht_randint(low, high, Checked(size), size.Length, Dt(dtype), DevType(device), DevIndex(device)));

    public static Tensor randint(long high, long[] size, ScalarType? dtype = null, Device? device = null) => randint(0, high, size, dtype, device);

    /// <summary>A random permutation of 0..n-1 (int64).</summary>
    public static Tensor randperm(long n, ScalarType? dtype = null, Device? device = null) =>
        Tensor.Wrap(NativeMethods.ht_randperm(n, Dt(dtype), DevType(device), DevIndex(device)));

    /// <summary>start, start+step, ... below end; int64 when all three are integers, as in PyTorch.</summary>
    public static Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.Wrap(NativeMethods.ht_arange(start, end, step, Dt(dtype), DevType(device), DevIndex(device), Rg(requires_grad)));

    public static Tensor arange(double end, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        arange(0, end, 1, dtype, device, requires_grad);

    public static Tensor eye(long n, long? m = null, ScalarType? dtype = null, Device? device = null) =>
        Tensor.Wrap(NativeMethods.ht_eye(n, m ?? n, Dt(dtype), DevType(device), DevIndex(device)));

    public static Tensor empty_like(Tensor input) => Tensor.Wrap(NativeMethods.ht_empty_like(input.Handle));

    public static Tensor zeros_like(Tensor input) => Tensor.Wrap(NativeMethods.ht_zeros_like(input.Handle));

    public static Tensor ones_like(Tensor input) => Tensor.Wrap(NativeMethods.ht_ones_like(input.Handle));

    public static Tensor randn_like(Tensor input) => Tensor.Wrap(NativeMethods.ht_randn_like(input.Handle));

    public static Tensor rand_like(Tensor input) => Tensor.Wrap(NativeMethods.ht_rand_like(input.Handle));

    public static Tensor full_like(Tensor input, double value) => Tensor.Wrap(NativeMethods.ht_full_like(input.Handle, value, 0));

    // ---- from managed data (always copied)

    public static Tensor tensor(float[] rawArray, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<float>(rawArray, dimensions, dtype, device, requires_grad);

    public static Tensor tensor(double[] rawArray, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<double>(rawArray, dimensions, dtype, device, requires_grad);

    public static Tensor tensor(long[] rawArray, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<long>(rawArray, dimensions, dtype, device, requires_grad);

    public static Tensor tensor(int[] rawArray, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<int>(rawArray, dimensions, dtype, device, requires_grad);

    public static Tensor tensor(byte[] rawArray, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<byte>(rawArray, dimensions, dtype, device, requires_grad);

    public static Tensor tensor(bool[] rawArray, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<bool>(rawArray, dimensions, dtype, device, requires_grad);

    /// <summary>A tensor of shape <paramref name="dimensions"/> from a span (e.g. a slice of a data set buffer).</summary>
    public static Tensor tensor(ReadOnlySpan<float> data, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan(data, dimensions, dtype, device, requires_grad);

    public static Tensor tensor(ReadOnlySpan<long> data, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan(data, dimensions, dtype, device, requires_grad);

    public static Tensor tensor(ReadOnlySpan<byte> data, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan(data, dimensions, dtype, device, requires_grad);

    public static Tensor tensor(float scalar, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<float>([scalar], [], dtype, device, requires_grad);

    public static Tensor tensor(double scalar, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<double>([scalar], [], dtype, device, requires_grad);

    public static Tensor tensor(long scalar, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<long>([scalar], [], dtype, device, requires_grad);

    public static Tensor tensor(bool scalar, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromSpan<bool>([scalar], [], dtype, device, requires_grad);

    /// <summary>A tensor shaped like a managed (possibly multi-dimensional) array: float[,] → 2-D.</summary>
    public static Tensor from_array(Array rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        ArgumentNullException.ThrowIfNull(rawArray);
        var dims = new long[rawArray.Rank];
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = rawArray.GetLength(i);
        }

        var element = rawArray.GetType().GetElementType()!;
        var source = element == typeof(float) ? ScalarType.Float32
            : element == typeof(double) ? ScalarType.Float64
            : element == typeof(long) ? ScalarType.Int64
            : element == typeof(int) ? ScalarType.Int32
            : element == typeof(byte) ? ScalarType.Byte
            : element == typeof(bool) ? ScalarType.Bool
            : throw new NotSupportedException($"arrays of {element.Name} cannot become tensors; use float, double, long, int, byte or bool");
        var bytes = MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(rawArray), checked((int)(rawArray.LongLength * ScalarTypes.ElementSize(source))));
        return FromBytes(bytes, dims, source, dtype, device, requires_grad);
    }

    /// <summary>A tensor from raw element bytes of type <paramref name="source"/> (any dtype, bfloat16 included).</summary>
    public static Tensor from_bytes(ReadOnlySpan<byte> bytes, long[] dimensions, ScalarType source, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        var count = dimensions.Aggregate(1L, (a, d) => a * d);
        if (count * ScalarTypes.ElementSize(source) != bytes.Length)
        {
            throw new ArgumentException($"{bytes.Length} bytes do not hold [{string.Join(", ", dimensions)}] elements of {source}", nameof(bytes));
        }

        return FromBytes(bytes, dimensions, source, dtype, device, requires_grad);
    }

    private static Tensor FromSpan<T>(ReadOnlySpan<T> data, long[]? dimensions, ScalarType? dtype, Device? device, bool requiresGrad)
        where T : unmanaged
    {
        dimensions ??= [data.Length];
        var count = dimensions.Aggregate(1L, (a, d) => a * d);
        if (count != data.Length)
        {
            throw new ArgumentException($"{data.Length} values do not fill shape [{string.Join(", ", dimensions)}] ({count} elements)", nameof(dimensions));
        }

        return FromBytes(MemoryMarshal.AsBytes(data), dimensions, ScalarTypes.Of<T>(), dtype, device, requiresGrad);
    }

    private static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, long[] dimensions, ScalarType source, ScalarType? dtype, Device? device, bool requiresGrad)
    {
        fixed (byte* p = bytes)
        {
            // from_blob needs a valid pointer even for zero elements.
            byte dummy = 0;
            var data = p == null ? &dummy : p;
            return Tensor.Wrap(NativeMethods.ht_from_blob(data, dimensions, dimensions.Length, (int)source, Dt(dtype), DevType(device), DevIndex(device), Rg(requiresGrad)));
        }
    }

    // ---- functions over several tensors (and PyTorch's free-function spellings)

    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var handles = new HandleArray(tensors);
        return Tensor.Wrap(NativeMethods.ht_cat(handles.Pointers, tensors.Count, dim));
    }

    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var handles = new HandleArray(tensors);
        return Tensor.Wrap(NativeMethods.ht_stack(handles.Pointers, tensors.Count, dim));
    }

    /// <summary>Elements of <paramref name="x"/> where <paramref name="condition"/> holds, else of <paramref name="y"/>.</summary>
    public static Tensor where(Tensor condition, Tensor x, Tensor y) =>
        Tensor.Wrap(NativeMethods.ht_where(condition.Handle, x.Handle, y.Handle));

    public static Tensor matmul(Tensor left, Tensor right) => left.matmul(right);

    public static Tensor cumprod(Tensor input, long dim) => input.cumprod(dim);

    public static Tensor cumsum(Tensor input, long dim) => input.cumsum(dim);

    public static Tensor sigmoid(Tensor input) => input.sigmoid();

    public static Tensor tanh(Tensor input) => input.tanh();

    public static Tensor exp(Tensor input) => input.exp();

    public static Tensor log(Tensor input) => input.log();

    public static Tensor sqrt(Tensor input) => input.sqrt();

    public static Tensor abs(Tensor input) => input.abs();

    public static Tensor isfinite(Tensor input) => input.isfinite();

    public static Tensor isnan(Tensor input) => input.isnan();

    public static Tensor maximum(Tensor input, Tensor other) => input.maximum(other);

    public static Tensor minimum(Tensor input, Tensor other) => input.minimum(other);

    public static Tensor clamp(Tensor input, double? min = null, double? max = null) => input.clamp(min, max);

    public static Tensor sum(Tensor input) => input.sum();

    public static Tensor mean(Tensor input) => input.mean();

    public static Tensor argmax(Tensor input, long dim, bool keepdim = false) => input.argmax(dim, keepdim);

    public static Tensor flatten(Tensor input, long start_dim = 0, long end_dim = -1) => input.flatten(start_dim, end_dim);

    public static Tensor[] chunk(Tensor input, long chunks, long dim = 0) => input.chunk(chunks, dim);

    public static Tensor narrow(Tensor input, long dim, long start, long length) => input.narrow(dim, start, length);

    public static Tensor index_select(Tensor input, long dim, Tensor index) => input.index_select(dim, index);

    public static Tensor masked_fill(Tensor input, Tensor mask, double value) => input.masked_fill(mask, value);

    public static Tensor softmax(Tensor input, long dim) => input.softmax(dim);

    public static bool allclose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08) => input.allclose(other, rtol, atol);
}
#pragma warning restore CA1707, IDE1006
