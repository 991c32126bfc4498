using HoMM.Torch.Native;

namespace HoMM.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        private static int B(bool value) => value ? 1 : 0;

        private static int D(ScalarType? type) => type is null ? -1 : (int)type.Value;

        private Tensor InPlace(int status)
        {
            TorchException.Check(status);
            return this;
        }

        internal static Tensor[] WrapAll(ReadOnlySpan<IntPtr> handles, int count)
        {
            TorchException.Check(count);
            var result = new Tensor[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Wrap(handles[i]);
            }

            return result;
        }

        private static (Tensor, Tensor) WrapPair(int status, IntPtr first, IntPtr second)
        {
            TorchException.Check(status);
            return (Wrap(first), Wrap(second));
        }

        // ---- unary

        public Tensor neg() => Wrap(NativeMethods.ht_neg(Handle));

        public Tensor abs() => Wrap(NativeMethods.ht_abs(Handle));

        public Tensor exp() => Wrap(NativeMethods.ht_exp(Handle));

        public Tensor log() => Wrap(NativeMethods.ht_log(Handle));

        public Tensor sqrt() => Wrap(NativeMethods.ht_sqrt(Handle));

        public Tensor rsqrt() => Wrap(NativeMethods.ht_rsqrt(Handle));

        public Tensor square() => Wrap(NativeMethods.ht_square(Handle));

        public Tensor reciprocal() => Wrap(NativeMethods.ht_reciprocal(Handle));

        public Tensor sin() => Wrap(NativeMethods.ht_sin(Handle));

        public Tensor cos() => Wrap(NativeMethods.ht_cos(Handle));

        public Tensor tanh() => Wrap(NativeMethods.ht_tanh(Handle));

        public Tensor sigmoid() => Wrap(NativeMethods.ht_sigmoid(Handle));

        public Tensor relu() => Wrap(NativeMethods.ht_relu(Handle));

        public Tensor silu() => Wrap(NativeMethods.ht_silu(Handle));

        /// <summary>GELU; approximate "none" (exact, erf) or "tanh".</summary>
        public Tensor gelu(string approximate = "none") => Wrap(NativeMethods.ht_gelu(Handle, approximate switch
        {
            "none" => 0,
            "tanh" => 1,
            _ => throw new ArgumentException($"gelu approximate must be 'none' or 'tanh', not '{approximate}'", nameof(approximate)),
        }));

        public Tensor floor() => Wrap(NativeMethods.ht_floor(Handle));

        public Tensor round() => Wrap(NativeMethods.ht_round(Handle));

        public Tensor sign() => Wrap(NativeMethods.ht_sign(Handle));

        public Tensor erf() => Wrap(NativeMethods.ht_erf(Handle));

        public Tensor isfinite() => Wrap(NativeMethods.ht_isfinite(Handle));

        public Tensor isnan() => Wrap(NativeMethods.ht_isnan(Handle));

        public Tensor isinf() => Wrap(NativeMethods.ht_isinf(Handle));

        public Tensor logical_not() => Wrap(NativeMethods.ht_logical_not(Handle));

        public Tensor softmax(long dim, ScalarType? dtype = null) => Wrap(NativeMethods.ht_softmax(Handle, dim, D(dtype)));

        public Tensor log_softmax(long dim, ScalarType? dtype = null) => Wrap(NativeMethods.ht_log_softmax(Handle, dim, D(dtype)));

        public Tensor clamp(double? min = null, double? max = null) =>
            Wrap(NativeMethods.ht_clamp(Handle, min ?? 0, B(min.HasValue), max ?? 0, B(max.HasValue)));

        public Tensor clamp_min(double min) => clamp(min, null);

        public Tensor clamp_max(double max) => clamp(null, max);

        public Tensor pow(double exponent) => Wrap(NativeMethods.ht_pow_scalar(Handle, exponent, 0));

        public Tensor pow(long exponent) => Wrap(NativeMethods.ht_pow_scalar(Handle, exponent, 1));

        public Tensor pow(Tensor exponent) => Wrap(NativeMethods.ht_pow(Handle, exponent.Handle));

        // ---- binary

        public Tensor add(Tensor other, double alpha = 1) => Wrap(NativeMethods.ht_add(Handle, other.Handle, alpha));

        public Tensor add(double other) => Wrap(NativeMethods.ht_add_scalar(Handle, other, 0));

        public Tensor add(long other) => Wrap(NativeMethods.ht_add_scalar(Handle, other, 1));

        public Tensor sub(Tensor other, double alpha = 1) => Wrap(NativeMethods.ht_sub(Handle, other.Handle, alpha));

        public Tensor sub(double other) => Wrap(NativeMethods.ht_sub_scalar(Handle, other, 0));

        public Tensor sub(long other) => Wrap(NativeMethods.ht_sub_scalar(Handle, other, 1));

        public Tensor mul(Tensor other) => Wrap(NativeMethods.ht_mul(Handle, other.Handle));

        public Tensor mul(double other) => Wrap(NativeMethods.ht_mul_scalar(Handle, other, 0));

        public Tensor mul(long other) => Wrap(NativeMethods.ht_mul_scalar(Handle, other, 1));

        public Tensor div(Tensor other) => Wrap(NativeMethods.ht_div(Handle, other.Handle));

        public Tensor div(double other) => Wrap(NativeMethods.ht_div_scalar(Handle, other, 0));

        public Tensor div(long other) => Wrap(NativeMethods.ht_div_scalar(Handle, other, 1));

        public Tensor matmul(Tensor other) => Wrap(NativeMethods.ht_matmul(Handle, other.Handle));

        public Tensor mm(Tensor other) => matmul(other);

        public Tensor bmm(Tensor other) => Wrap(NativeMethods.ht_bmm(Handle, other.Handle));

        public Tensor maximum(Tensor other) => Wrap(NativeMethods.ht_maximum(Handle, other.Handle));

        public Tensor minimum(Tensor other) => Wrap(NativeMethods.ht_minimum(Handle, other.Handle));

        public Tensor lerp(Tensor end, double weight) => Wrap(NativeMethods.ht_lerp(Handle, end.Handle, weight));

        public Tensor eq(Tensor other) => Wrap(NativeMethods.ht_eq(Handle, other.Handle));

        public Tensor ne(Tensor other) => Wrap(NativeMethods.ht_ne(Handle, other.Handle));

        public Tensor lt(Tensor other) => Wrap(NativeMethods.ht_lt(Handle, other.Handle));

        public Tensor le(Tensor other) => Wrap(NativeMethods.ht_le(Handle, other.Handle));

        public Tensor gt(Tensor other) => Wrap(NativeMethods.ht_gt(Handle, other.Handle));

        public Tensor ge(Tensor other) => Wrap(NativeMethods.ht_ge(Handle, other.Handle));

        public Tensor eq(double other) => Wrap(NativeMethods.ht_eq_scalar(Handle, other, 0));

        public Tensor ne(double other) => Wrap(NativeMethods.ht_ne_scalar(Handle, other, 0));

        public Tensor lt(double other) => Wrap(NativeMethods.ht_lt_scalar(Handle, other, 0));

        public Tensor le(double other) => Wrap(NativeMethods.ht_le_scalar(Handle, other, 0));

        public Tensor gt(double other) => Wrap(NativeMethods.ht_gt_scalar(Handle, other, 0));

        public Tensor ge(double other) => Wrap(NativeMethods.ht_ge_scalar(Handle, other, 0));

        public Tensor logical_and(Tensor other) => Wrap(NativeMethods.ht_logical_and(Handle, other.Handle));

        public Tensor logical_or(Tensor other) => Wrap(NativeMethods.ht_logical_or(Handle, other.Handle));

        /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
        public Tensor masked_fill(Tensor mask, double value) => Wrap(NativeMethods.ht_masked_fill(Handle, mask.Handle, value, 0));

        public Tensor masked_fill(Tensor mask, long value) => Wrap(NativeMethods.ht_masked_fill(Handle, mask.Handle, value, 1));

        /// <summary>The elements where <paramref name="mask"/> is true, flattened.</summary>
        public Tensor masked_select(Tensor mask) => Wrap(NativeMethods.ht_masked_select(Handle, mask.Handle));

        public bool allclose(Tensor other, double rtol = 1e-05, double atol = 1e-08)
        {
            var r = NativeMethods.ht_allclose(Handle, other.Handle, rtol, atol);
            TorchException.Check(r);
            return r == 1;
        }

        public bool equal(Tensor other)
        {
            var r = NativeMethods.ht_equal(Handle, other.Handle);
            TorchException.Check(r);
            return r == 1;
        }

        // ---- in place (the tensor itself is returned)

        public Tensor add_(Tensor other, double alpha = 1) => InPlace(NativeMethods.ht_add_(Handle, other.Handle, alpha));

        public Tensor add_(double other) => InPlace(NativeMethods.ht_add_scalar_(Handle, other, 0));

        public Tensor sub_(Tensor other, double alpha = 1) => InPlace(NativeMethods.ht_sub_(Handle, other.Handle, alpha));

        public Tensor mul_(Tensor other) => InPlace(NativeMethods.ht_mul_(Handle, other.Handle));

        public Tensor mul_(double other) => InPlace(NativeMethods.ht_mul_scalar_(Handle, other, 0));

        public Tensor div_(Tensor other) => InPlace(NativeMethods.ht_div_(Handle, other.Handle));

        public Tensor div_(double other) => InPlace(NativeMethods.ht_div_scalar_(Handle, other, 0));

        public Tensor fill_(double value) => InPlace(NativeMethods.ht_fill_(Handle, value, 0));

        public Tensor fill_(long value) => InPlace(NativeMethods.ht_fill_(Handle, value, 1));

        public Tensor zero_() => InPlace(NativeMethods.ht_zero_(Handle));

        public Tensor copy_(Tensor source) => InPlace(NativeMethods.ht_copy_(Handle, source.Handle));

        public Tensor normal_(double mean = 0, double std = 1) => InPlace(NativeMethods.ht_normal_(Handle, mean, std));

        public Tensor uniform_(double from = 0, double to = 1) => InPlace(NativeMethods.ht_uniform_(Handle, from, to));

        public Tensor clamp_(double? min = null, double? max = null) =>
            InPlace(NativeMethods.ht_clamp_(Handle, min ?? 0, B(min.HasValue), max ?? 0, B(max.HasValue)));

        public Tensor masked_fill_(Tensor mask, double value) => InPlace(NativeMethods.ht_masked_fill_(Handle, mask.Handle, value, 0));

        // ---- reductions

        public Tensor sum() => Wrap(NativeMethods.ht_sum_all(Handle));

        public Tensor sum(long dim, bool keepdim = false, ScalarType? type = null) => sum([dim], keepdim, type);

        /// <summary>Sums over <paramref name="dim"/>; an empty array sums everything (with <paramref name="type"/> as accumulator).</summary>
        public Tensor sum(long[] dim, bool keepdim = false, ScalarType? type = null)
        {
            ArgumentNullException.ThrowIfNull(dim);
            return Wrap(NativeMethods.ht_sum(Handle, dim, dim.Length, B(keepdim), D(type)));
        }

        public Tensor mean() => Wrap(NativeMethods.ht_mean_all(Handle));

        public Tensor mean(long dim, bool keepdim = false, ScalarType? type = null) => mean([dim], keepdim, type);

        public Tensor mean(long[] dimensions, bool keepdim = false, ScalarType? type = null)
        {
            ArgumentNullException.ThrowIfNull(dimensions);
            return Wrap(NativeMethods.ht_mean(Handle, dimensions, dimensions.Length, B(keepdim), D(type)));
        }

        /// <summary>Variance with Bessel's correction unless <paramref name="unbiased"/> is false; null dims: all.</summary>
        public Tensor var(long[]? dimensions = null, bool unbiased = true, bool keepdim = false) =>
            Wrap(NativeMethods.ht_var(Handle, dimensions ?? [], dimensions?.Length ?? -1, unbiased ? 1 : 0, B(keepdim)));

        public Tensor std(long[]? dimensions = null, bool unbiased = true, bool keepdim = false) =>
            Wrap(NativeMethods.ht_std(Handle, dimensions ?? [], dimensions?.Length ?? -1, unbiased ? 1 : 0, B(keepdim)));

        /// <summary>The p-norm over <paramref name="dims"/> (null: all elements).</summary>
        public Tensor norm(double p = 2, long[]? dims = null, bool keepdim = false) =>
            Wrap(NativeMethods.ht_norm(Handle, p, dims ?? [], dims?.Length ?? -1, B(keepdim)));

        public Tensor logsumexp(long dim, bool keepdim = false) => Wrap(NativeMethods.ht_logsumexp(Handle, [dim], 1, B(keepdim)));

        public Tensor prod(long dim, bool keepdim = false) => Wrap(NativeMethods.ht_prod(Handle, dim, B(keepdim)));

        public Tensor cumprod(long dim) => Wrap(NativeMethods.ht_cumprod(Handle, dim));

        public Tensor cumsum(long dim) => Wrap(NativeMethods.ht_cumsum(Handle, dim));

        public Tensor max() => Wrap(NativeMethods.ht_max_all(Handle));

        public Tensor min() => Wrap(NativeMethods.ht_min_all(Handle));

        public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false) =>
            WrapPair(NativeMethods.ht_max_dim(Handle, dim, B(keepdim), out var v, out var i), v, i);

        public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false) =>
            WrapPair(NativeMethods.ht_min_dim(Handle, dim, B(keepdim), out var v, out var i), v, i);

        public Tensor argmax() => Wrap(NativeMethods.ht_argmax(Handle, 0, 0, 0));

        public Tensor argmax(long dim, bool keepdim = false) => Wrap(NativeMethods.ht_argmax(Handle, dim, 1, B(keepdim)));

        public Tensor argmin() => Wrap(NativeMethods.ht_argmin(Handle, 0, 0, 0));

        public Tensor argmin(long dim, bool keepdim = false) => Wrap(NativeMethods.ht_argmin(Handle, dim, 1, B(keepdim)));

        public (Tensor values, Tensor indexes) topk(long k, long dim = -1, bool largest = true, bool sorted = true) =>
            WrapPair(NativeMethods.ht_topk(Handle, k, dim, B(largest), B(sorted), out var v, out var i), v, i);

        public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false) =>
            WrapPair(NativeMethods.ht_sort(Handle, dim, B(descending), out var v, out var i), v, i);

        public Tensor all() => Wrap(NativeMethods.ht_all(Handle));

        public Tensor any() => Wrap(NativeMethods.ht_any(Handle));

        // ---- shapes

        public Tensor reshape(params long[] shape)
        {
            ArgumentNullException.ThrowIfNull(shape);
            return Wrap(NativeMethods.ht_reshape(Handle, shape, shape.Length));
        }

        public Tensor view(params long[] shape)
        {
            ArgumentNullException.ThrowIfNull(shape);
            return Wrap(NativeMethods.ht_view(Handle, shape, shape.Length));
        }

        public Tensor permute(params long[] dims)
        {
            ArgumentNullException.ThrowIfNull(dims);
            return Wrap(NativeMethods.ht_permute(Handle, dims, dims.Length));
        }

        public Tensor expand(params long[] sizes)
        {
            ArgumentNullException.ThrowIfNull(sizes);
            return Wrap(NativeMethods.ht_expand(Handle, sizes, sizes.Length));
        }

        public Tensor expand_as(Tensor other) => expand(other.shape);

        public Tensor repeat(params long[] repeats)
        {
            ArgumentNullException.ThrowIfNull(repeats);
            return Wrap(NativeMethods.ht_repeat(Handle, repeats, repeats.Length));
        }

        public Tensor transpose(long dim0, long dim1) => Wrap(NativeMethods.ht_transpose(Handle, dim0, dim1));

        public Tensor t() => Wrap(NativeMethods.ht_t(Handle));

        public Tensor flatten(long start_dim = 0, long end_dim = -1) => Wrap(NativeMethods.ht_flatten(Handle, start_dim, end_dim));

        public Tensor unflatten(long dim, params long[] sizes)
        {
            ArgumentNullException.ThrowIfNull(sizes);
            return Wrap(NativeMethods.ht_unflatten(Handle, dim, sizes, sizes.Length));
        }

        public Tensor unsqueeze(long dim) => Wrap(NativeMethods.ht_unsqueeze(Handle, dim));

        public Tensor squeeze(long? dim = null) => dim is null
            ? Wrap(NativeMethods.ht_squeeze(Handle))
            : Wrap(NativeMethods.ht_squeeze_dim(Handle, dim.Value));

        public Tensor narrow(long dim, long start, long length) => Wrap(NativeMethods.ht_narrow(Handle, dim, start, length));

        public Tensor select(long dim, long index) => Wrap(NativeMethods.ht_select(Handle, dim, index));

        /// <summary>Elements start..end (exclusive) by step along dim; null bounds are open.</summary>
        public Tensor slice(long dim, long? start, long? end, long step = 1) =>
            Wrap(NativeMethods.ht_slice(Handle, dim, start ?? 0, B(start.HasValue), end ?? 0, B(end.HasValue), step));

        public Tensor index_select(long dim, Tensor index) => Wrap(NativeMethods.ht_index_select(Handle, dim, index.Handle));

        public Tensor gather(long dim, Tensor index) => Wrap(NativeMethods.ht_gather(Handle, dim, index.Handle));

        /// <summary>Splits into <paramref name="chunks"/> pieces (the last may be smaller, there may be fewer).</summary>
        public Tensor[] chunk(long chunks, long dim = 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
            Span<IntPtr> outs = new IntPtr[chunks];
            return WrapAll(outs, NativeMethods.ht_chunk(Handle, chunks, dim, outs, outs.Length));
        }

        /// <summary>Splits into pieces of <paramref name="size"/> along dim (the last may be smaller).</summary>
        public Tensor[] split(long size, long dim = 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
            var length = this.size((int)dim);
            Span<IntPtr> outs = new IntPtr[Math.Max(1, (length + size - 1) / size)];
            return WrapAll(outs, NativeMethods.ht_split(Handle, size, dim, outs, outs.Length));
        }

        public Tensor[] split(long[] sizes, long dim = 0)
        {
            ArgumentNullException.ThrowIfNull(sizes);
            Span<IntPtr> outs = new IntPtr[sizes.Length];
            return WrapAll(outs, NativeMethods.ht_split_sizes(Handle, sizes, sizes.Length, dim, outs, outs.Length));
        }

        public Tensor[] unbind(long dim = 0)
        {
            Span<IntPtr> outs = new IntPtr[Math.Max(0, size((int)dim))];
            return WrapAll(outs, NativeMethods.ht_unbind(Handle, dim, outs, outs.Length));
        }
    }
}
