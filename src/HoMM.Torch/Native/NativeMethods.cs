using System.Runtime.InteropServices;

namespace HoMM.Torch.Native;

/// <summary>
/// The C ABI of libhomm_torch.so (native/homm_torch.cpp). A tensor is an owned pointer freed by
/// <see cref="ht_free"/>; functions returning a tensor return null on failure, functions returning
/// int return -1 on failure, and <see cref="ht_last_error"/> (thread-local) says why.
/// </summary>
internal static partial class NativeMethods
{
    private const string Lib = "homm_torch";

    // Runs before the first call into the shim, hence before libtorch (and libgomp with it) loads.
    static NativeMethods() => OpenMpPolicy.Apply();

    // ---- runtime
    [LibraryImport(Lib)] internal static partial IntPtr ht_last_error();
    [LibraryImport(Lib)] internal static partial long ht_live_tensors();
    [LibraryImport(Lib)] internal static partial void ht_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr ht_version();
    [LibraryImport(Lib)] internal static partial IntPtr ht_show_config();
    [LibraryImport(Lib)] internal static partial int ht_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int ht_get_num_threads();
    [LibraryImport(Lib)] internal static partial int ht_set_num_interop_threads(int n);
    [LibraryImport(Lib)] internal static partial int ht_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial int ht_cuda_is_available();
    [LibraryImport(Lib)] internal static partial int ht_cuda_device_count();
    [LibraryImport(Lib)] internal static partial int ht_cuda_synchronize(int device);
    [LibraryImport(Lib)] internal static partial int ht_cuda_memory_stats(int device, int reset, out long allocated, out long peak);
    [LibraryImport(Lib)] internal static partial int ht_is_grad_enabled();
    [LibraryImport(Lib)] internal static partial void ht_set_grad_enabled(int enabled);
    [LibraryImport(Lib)] internal static partial int ht_autocast_get(int deviceType, out int enabled, out int dtype);
    [LibraryImport(Lib)] internal static partial int ht_autocast_set(int deviceType, int enabled, int dtype);
    [LibraryImport(Lib)] internal static partial int ht_autocast_enter();
    [LibraryImport(Lib)] internal static partial int ht_autocast_exit();

    // ---- creation
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ht_from_blob(void* data, ReadOnlySpan<long> shape, int ndim, int srcDtype, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial IntPtr ht_empty(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr ht_zeros(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr ht_ones(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr ht_randn(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr ht_rand(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr ht_full(ReadOnlySpan<long> shape, int ndim, double value, int isInt, int dtype, int devType, int devIndex, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr ht_randint(long low, long high, ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex);
    [LibraryImport(Lib)] internal static partial IntPtr ht_randperm(long n, int dtype, int devType, int devIndex);
    [LibraryImport(Lib)] internal static partial IntPtr ht_arange(double start, double end, double step, int dtype, int devType, int devIndex, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr ht_eye(long n, long m, int dtype, int devType, int devIndex);
    [LibraryImport(Lib)] internal static partial IntPtr ht_empty_like(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_zeros_like(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_ones_like(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_randn_like(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_rand_like(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_full_like(TensorHandle a, double v, int isInt);

    // ---- properties
    [LibraryImport(Lib)] internal static partial int ht_dim(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_shape(TensorHandle a, Span<long> shape);
    [LibraryImport(Lib)] internal static partial long ht_numel(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_dtype(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_device(TensorHandle a, out int index);
    [LibraryImport(Lib)] internal static partial int ht_requires_grad(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_set_requires_grad(TensorHandle a, int rg);
    [LibraryImport(Lib)] internal static partial int ht_is_leaf(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_same_storage(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_to_string(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_item(TensorHandle a, out double value);
    [LibraryImport(Lib)] internal static partial int ht_item_int(TensorHandle a, out long value);
    [LibraryImport(Lib)] internal static unsafe partial int ht_copy_out(TensorHandle a, void* dst, long nbytes);
    [LibraryImport(Lib)] internal static unsafe partial int ht_copy_in(TensorHandle a, void* src, long nbytes);
    [LibraryImport(Lib)] internal static partial IntPtr ht_pin_memory(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_is_pinned(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_to_non_blocking(TensorHandle a, int devType, int devIndex);

    // ---- autograd
    [LibraryImport(Lib)] internal static partial int ht_backward(TensorHandle a, TensorHandle grad, int retainGraph, int createGraph);
    [LibraryImport(Lib)] internal static partial int ht_grad(TensorHandle a, out IntPtr grad);
    [LibraryImport(Lib)] internal static partial int ht_set_grad(TensorHandle a, TensorHandle grad);
    [LibraryImport(Lib)] internal static partial int ht_retain_grad(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_detach(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_detach_(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_alias(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_set_data(TensorHandle a, TensorHandle src);

    // ---- conversion
    [LibraryImport(Lib)] internal static partial IntPtr ht_to(TensorHandle a, int dtype, int devType, int devIndex, int copy);
    [LibraryImport(Lib)] internal static partial IntPtr ht_clone(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_contiguous(TensorHandle a);

    // ---- element-wise
    [LibraryImport(Lib)] internal static partial IntPtr ht_neg(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_abs(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_exp(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_log(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_sqrt(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_rsqrt(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_square(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_reciprocal(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_sin(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_cos(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_tanh(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_sigmoid(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_relu(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_silu(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_floor(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_round(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_sign(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_erf(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_isfinite(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_isnan(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_isinf(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_logical_not(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_all(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_any(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_sum_all(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_mean_all(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_max_all(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_min_all(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_t(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_gelu(TensorHandle a, int tanhApproximation);
    [LibraryImport(Lib)] internal static partial IntPtr ht_softmax(TensorHandle a, long dim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ht_log_softmax(TensorHandle a, long dim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ht_clamp(TensorHandle a, double lo, int hasLo, double hi, int hasHi);
    [LibraryImport(Lib)] internal static partial IntPtr ht_pow_scalar(TensorHandle a, double e, int isInt);

    [LibraryImport(Lib)] internal static partial IntPtr ht_mul(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_div(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_pow(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_maximum(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_minimum(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_eq(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_ne(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_lt(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_le(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_gt(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_ge(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_logical_and(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_logical_or(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_masked_select(TensorHandle a, TensorHandle mask);
    [LibraryImport(Lib)] internal static partial IntPtr ht_add(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial IntPtr ht_sub(TensorHandle a, TensorHandle b, double alpha);

    [LibraryImport(Lib)] internal static partial IntPtr ht_add_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_sub_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_rsub_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_mul_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_div_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_rdiv_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_eq_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_ne_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_lt_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_le_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_gt_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_ge_scalar(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_where(TensorHandle cond, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_masked_fill(TensorHandle a, TensorHandle mask, double v, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr ht_lerp(TensorHandle a, TensorHandle b, double weight);

    // ---- in place
    [LibraryImport(Lib)] internal static partial int ht_add_(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial int ht_sub_(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial int ht_mul_(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial int ht_div_(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial int ht_add_scalar_(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial int ht_mul_scalar_(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial int ht_div_scalar_(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial int ht_fill_(TensorHandle a, double v, int isInt);
    [LibraryImport(Lib)] internal static partial int ht_zero_(TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ht_copy_(TensorHandle a, TensorHandle src);
    [LibraryImport(Lib)] internal static partial int ht_normal_(TensorHandle a, double mean, double std);
    [LibraryImport(Lib)] internal static partial int ht_uniform_(TensorHandle a, double lo, double hi);
    [LibraryImport(Lib)] internal static partial int ht_clamp_(TensorHandle a, double lo, int hasLo, double hi, int hasHi);
    [LibraryImport(Lib)] internal static partial int ht_masked_fill_(TensorHandle a, TensorHandle mask, double v, int isInt);
    [LibraryImport(Lib)] internal static partial int ht_trunc_normal_(TensorHandle a, double mean, double std, double lo, double hi);

    // ---- reductions
    [LibraryImport(Lib)] internal static partial IntPtr ht_sum(TensorHandle a, ReadOnlySpan<long> dims, int n, int keepdim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ht_mean(TensorHandle a, ReadOnlySpan<long> dims, int n, int keepdim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ht_var(TensorHandle a, ReadOnlySpan<long> dims, int n, long correction, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_std(TensorHandle a, ReadOnlySpan<long> dims, int n, long correction, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_norm(TensorHandle a, double p, ReadOnlySpan<long> dims, int n, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_logsumexp(TensorHandle a, ReadOnlySpan<long> dims, int n, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_prod(TensorHandle a, long dim, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_cumprod(TensorHandle a, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_cumsum(TensorHandle a, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_argmax(TensorHandle a, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_argmin(TensorHandle a, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] internal static partial int ht_max_dim(TensorHandle a, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int ht_min_dim(TensorHandle a, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int ht_topk(TensorHandle a, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int ht_sort(TensorHandle a, long dim, int descending, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int ht_allclose(TensorHandle a, TensorHandle b, double rtol, double atol);
    [LibraryImport(Lib)] internal static partial int ht_equal(TensorHandle a, TensorHandle b);

    // ---- shapes
    [LibraryImport(Lib)] internal static partial IntPtr ht_reshape(TensorHandle a, ReadOnlySpan<long> shape, int n);
    [LibraryImport(Lib)] internal static partial IntPtr ht_view(TensorHandle a, ReadOnlySpan<long> shape, int n);
    [LibraryImport(Lib)] internal static partial IntPtr ht_permute(TensorHandle a, ReadOnlySpan<long> dims, int n);
    [LibraryImport(Lib)] internal static partial IntPtr ht_expand(TensorHandle a, ReadOnlySpan<long> shape, int n);
    [LibraryImport(Lib)] internal static partial IntPtr ht_repeat(TensorHandle a, ReadOnlySpan<long> repeats, int n);
    [LibraryImport(Lib)] internal static partial IntPtr ht_transpose(TensorHandle a, long d0, long d1);
    [LibraryImport(Lib)] internal static partial IntPtr ht_flatten(TensorHandle a, long start, long end);
    [LibraryImport(Lib)] internal static partial IntPtr ht_unflatten(TensorHandle a, long dim, ReadOnlySpan<long> sizes, int n);
    [LibraryImport(Lib)] internal static partial IntPtr ht_unsqueeze(TensorHandle a, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_squeeze(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ht_squeeze_dim(TensorHandle a, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_narrow(TensorHandle a, long dim, long start, long length);
    [LibraryImport(Lib)] internal static partial IntPtr ht_select(TensorHandle a, long dim, long index);
    [LibraryImport(Lib)] internal static partial IntPtr ht_slice(TensorHandle a, long dim, long start, int hasStart, long end, int hasEnd, long step);
    [LibraryImport(Lib)] internal static partial IntPtr ht_index_select(TensorHandle a, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial IntPtr ht_gather(TensorHandle a, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial IntPtr ht_one_hot(TensorHandle a, long numClasses);
    [LibraryImport(Lib)] internal static partial int ht_chunk(TensorHandle a, long chunks, long dim, Span<IntPtr> outs, int capacity);
    [LibraryImport(Lib)] internal static partial int ht_split(TensorHandle a, long size, long dim, Span<IntPtr> outs, int capacity);
    [LibraryImport(Lib)] internal static partial int ht_split_sizes(TensorHandle a, ReadOnlySpan<long> sizes, int n, long dim, Span<IntPtr> outs, int capacity);
    [LibraryImport(Lib)] internal static partial int ht_unbind(TensorHandle a, long dim, Span<IntPtr> outs, int capacity);
    [LibraryImport(Lib)] internal static partial IntPtr ht_cat(ReadOnlySpan<IntPtr> tensors, int n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_stack(ReadOnlySpan<IntPtr> tensors, int n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr ht_index(TensorHandle a, int n, ReadOnlySpan<int> kinds, ReadOnlySpan<long> args, ReadOnlySpan<int> flags, ReadOnlySpan<IntPtr> tensors);
    [LibraryImport(Lib)] internal static partial int ht_index_put_(TensorHandle a, int n, ReadOnlySpan<int> kinds, ReadOnlySpan<long> args, ReadOnlySpan<int> flags, ReadOnlySpan<IntPtr> tensors, TensorHandle value);
    [LibraryImport(Lib)] internal static partial int ht_index_fill_(TensorHandle a, int n, ReadOnlySpan<int> kinds, ReadOnlySpan<long> args, ReadOnlySpan<int> flags, ReadOnlySpan<IntPtr> tensors, double v, int isInt);

    // ---- nn.functional
    [LibraryImport(Lib)] internal static partial IntPtr ht_linear(TensorHandle x, TensorHandle w, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ht_conv2d(TensorHandle x, TensorHandle w, TensorHandle b, ReadOnlySpan<long> stride, ReadOnlySpan<long> padding, ReadOnlySpan<long> dilation, long groups);
    [LibraryImport(Lib)] internal static partial IntPtr ht_layer_norm(TensorHandle x, ReadOnlySpan<long> shape, int n, TensorHandle w, TensorHandle b, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr ht_dropout(TensorHandle x, double p, int train);
    [LibraryImport(Lib)] internal static partial IntPtr ht_embedding(TensorHandle weight, TensorHandle indices);
    [LibraryImport(Lib)] internal static partial IntPtr ht_avg_pool2d(TensorHandle x, ReadOnlySpan<long> kernel, ReadOnlySpan<long> stride, ReadOnlySpan<long> padding);
    [LibraryImport(Lib)] internal static partial IntPtr ht_max_pool2d(TensorHandle x, ReadOnlySpan<long> kernel, ReadOnlySpan<long> stride, ReadOnlySpan<long> padding);
    [LibraryImport(Lib)] internal static partial IntPtr ht_pad(TensorHandle x, ReadOnlySpan<long> pad, int n, double value);
    [LibraryImport(Lib)] internal static partial IntPtr ht_cross_entropy(TensorHandle logits, TensorHandle target, TensorHandle weight, long reduction, long ignoreIndex, double labelSmoothing);
    [LibraryImport(Lib)] internal static partial IntPtr ht_nll_loss(TensorHandle logp, TensorHandle target, TensorHandle weight, long reduction, long ignoreIndex);
    [LibraryImport(Lib)] internal static partial IntPtr ht_mse_loss(TensorHandle a, TensorHandle b, long reduction);
    [LibraryImport(Lib)] internal static partial IntPtr ht_bce_with_logits(TensorHandle a, TensorHandle b, long reduction);

    // ---- fused HoMM operations (homm_fused.cpp)
    [LibraryImport(Lib)] internal static partial IntPtr ht_high_order_aggregation(TensorHandle h, long order, TensorHandle mask, int fused);

    // ---- optimisation
    [LibraryImport(Lib)] internal static partial int ht_adamw_step(ReadOnlySpan<IntPtr> parameters, ReadOnlySpan<IntPtr> expAvgs, ReadOnlySpan<IntPtr> expAvgSqs, ReadOnlySpan<IntPtr> maxExpAvgSqs, ReadOnlySpan<long> steps, int n, double lr, double beta1, double beta2, double eps, double weightDecay, int amsgrad, int maximize);
    [LibraryImport(Lib)] internal static partial int ht_clip_grad_norm(ReadOnlySpan<IntPtr> parameters, int n, double maxNorm, double normType, int errorIfNonfinite, out double total);
}
