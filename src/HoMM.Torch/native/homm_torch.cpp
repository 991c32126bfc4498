// The plain binding: one thin exported function per libtorch operation the C# side needs.
// Fused operations with their own autograd live in homm_fused.cpp.
#include "homm_torch.h"

#include <ATen/Parallel.h>
#include <ATen/TensorIndexing.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <vector>

#ifdef HOMM_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>

// The allocator's statistics types (StatType, DeviceStats) lived in c10::cuda::CUDACachingAllocator
// and moved to the device-generic c10::CachingDeviceAllocator in libtorch 2.x (2.6 has them only
// there). Both namespaces are nominated here, the new one declared empty for older libtorch, so
// ht_stats::StatType names whichever exists (found by scripts/check-libtorch2 --cuda).
namespace c10::CachingDeviceAllocator {}
namespace ht_stats {
using namespace c10::cuda::CUDACachingAllocator;
using namespace c10::CachingDeviceAllocator;
}  // namespace ht_stats
#endif

using ht::own;
using ht::status_call;
using ht::T;
using ht::tensor_call;

namespace ht {

namespace {
thread_local std::string last_error;
thread_local std::string last_string;
std::atomic<int64_t> live_tensors{0};
}  // namespace

void set_error(const char* message) noexcept {
  try {
    last_error = message;
  } catch (...) {
    // Out of memory while recording an error: the caller still sees the failure code.
  }
}

void set_error_from_current_exception() noexcept {
  try {
    throw;
  } catch (const c10::Error& e) {
    // libtorch's message without the C++ backtrace it appends in debug builds.
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown C++ exception in libtorch");
  }
}

T* own(at::Tensor&& t) {
  if (!t.defined()) {
    throw std::runtime_error("the operation returned an undefined tensor");
  }
  auto* p = new T(std::move(t));
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return p;
}

}  // namespace ht

namespace {

at::ScalarType dtype_or_default(int dtype) {
  return dtype < 0 ? at::typeMetaToScalarType(at::get_default_dtype()) : static_cast<at::ScalarType>(dtype);
}

c10::Device device_of(int type, int index) {
  return c10::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}

at::TensorOptions options(int dtype, int dev_type, int dev_index) {
  return at::TensorOptions().dtype(dtype_or_default(dtype)).device(device_of(dev_type, dev_index));
}

// at:: factories refuse requires_grad in their options (only torch:: variable factories take it).
at::Tensor with_grad(at::Tensor t, int requires_grad) {
  if (requires_grad) {
    t.set_requires_grad(true);
  }
  return t;
}

at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }

at::Scalar scalar(double v, int is_int) {
  return is_int ? at::Scalar(static_cast<int64_t>(v)) : at::Scalar(v);
}

c10::optional<at::Tensor> opt(const T* p) { return p ? c10::optional<at::Tensor>(*p) : c10::nullopt; }

c10::optional<at::ScalarType> opt_dtype(int dtype) {
  return dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
}

std::vector<at::Tensor> tensor_list(T* const* ts, int n) {
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v.push_back(*ts[i]);
  return v;
}

int hand_out(std::vector<at::Tensor>&& parts, T** out, int capacity) {
  if (static_cast<int>(parts.size()) > capacity) {
    throw std::runtime_error("internal: more result tensors (" + std::to_string(parts.size()) +
                             ") than the caller's buffer (" + std::to_string(capacity) + ")");
  }
  int n = 0;
  for (auto& p : parts) out[n++] = own(std::move(p));
  return n;
}

}  // namespace

// ---- runtime -------------------------------------------------------------------------------

HT_API const char* ht_last_error() noexcept { return ht::last_error.c_str(); }
HT_API int64_t ht_live_tensors() noexcept { return ht::live_tensors.load(std::memory_order_relaxed); }

HT_API void ht_free(T* t) noexcept {
  if (t) {
    delete t;
    ht::live_tensors.fetch_sub(1, std::memory_order_relaxed);
  }
}

HT_API const char* ht_version() noexcept { return TORCH_VERSION; }

HT_API const char* ht_show_config() noexcept {
  try {
    ht::last_string = at::show_config();
    return ht::last_string.c_str();
  } catch (...) {
    ht::set_error_from_current_exception();
    return nullptr;
  }
}

HT_API int ht_set_num_threads(int n) noexcept { return status_call([&] { at::set_num_threads(n); }); }
HT_API int ht_get_num_threads() noexcept { return status_call([&] { return at::get_num_threads(); }); }
HT_API int ht_set_num_interop_threads(int n) noexcept { return status_call([&] { at::set_num_interop_threads(n); }); }
HT_API int ht_manual_seed(uint64_t seed) noexcept { return status_call([&] { torch::manual_seed(seed); }); }

HT_API int ht_cuda_is_available() noexcept { return status_call([&] { return torch::cuda::is_available() ? 1 : 0; }); }
HT_API int ht_cuda_device_count() noexcept { return status_call([&] { return static_cast<int>(torch::cuda::device_count()); }); }
HT_API int ht_cuda_synchronize(int device) noexcept { return status_call([&] { torch::cuda::synchronize(device); }); }

// Peak bytes held by tensors on a CUDA device since the last reset; -1 when libtorch has no CUDA.
HT_API int ht_cuda_memory_stats(int device, int reset, int64_t* allocated, int64_t* peak) noexcept {
  return status_call([&] {
#ifdef HOMM_WITH_CUDA
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
    auto aggregate = static_cast<size_t>(ht_stats::StatType::AGGREGATE);
    *allocated = stats.allocated_bytes[aggregate].current;
    *peak = stats.allocated_bytes[aggregate].peak;
    if (reset) c10::cuda::CUDACachingAllocator::resetPeakStats(device);
#else
    (void)device;
    (void)reset;
    *allocated = -1;
    *peak = -1;
#endif
  });
}

HT_API int ht_is_grad_enabled() noexcept { return at::GradMode::is_enabled() ? 1 : 0; }
HT_API void ht_set_grad_enabled(int enabled) noexcept { at::GradMode::set_enabled(enabled != 0); }

// Autocast state is thread-local in libtorch, like grad mode; the C# `autocast` scope saves and
// restores it around a block. libtorch 2.4 made the API device-generic and deprecated the
// per-device functions (removal announced), which -Werror would turn into a broken CUDA build.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define HOMM_DEVICE_GENERIC_AUTOCAST 1
#endif

namespace {

c10::DeviceType autocast_device(int device_type) {
  auto type = static_cast<c10::DeviceType>(device_type);
  if (type != c10::DeviceType::CPU && type != c10::DeviceType::CUDA) {
    throw std::invalid_argument("autocast supports device types cpu and cuda, not " + c10::DeviceTypeName(type));
  }
  return type;
}

bool autocast_enabled(c10::DeviceType type) {
#ifdef HOMM_DEVICE_GENERIC_AUTOCAST
  return at::autocast::is_autocast_enabled(type);
#else
  return type == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

at::ScalarType autocast_dtype(c10::DeviceType type) {
#ifdef HOMM_DEVICE_GENERIC_AUTOCAST
  return at::autocast::get_autocast_dtype(type);
#else
  return type == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void set_autocast(c10::DeviceType type, bool enabled, at::ScalarType dtype) {
  if (dtype != at::kBFloat16 && dtype != at::kHalf && dtype != at::kFloat) {
    throw std::invalid_argument(std::string("autocast runs in bfloat16, float16 or float32, not ") + c10::toString(dtype));
  }
#ifdef HOMM_DEVICE_GENERIC_AUTOCAST
  at::autocast::set_autocast_enabled(type, enabled);
  at::autocast::set_autocast_dtype(type, dtype);
#else
  if (type == c10::DeviceType::CUDA) {
    at::autocast::set_enabled(enabled);
    at::autocast::set_autocast_gpu_dtype(dtype);
  } else {
    at::autocast::set_cpu_enabled(enabled);
    at::autocast::set_autocast_cpu_dtype(dtype);
  }
#endif
}
}  // namespace

HT_API int ht_autocast_get(int device_type, int* enabled, int* dtype) noexcept {
  return status_call([&] {
    auto type = autocast_device(device_type);
    *enabled = autocast_enabled(type) ? 1 : 0;
    *dtype = static_cast<int>(autocast_dtype(type));
  });
}

HT_API int ht_autocast_set(int device_type, int enabled, int dtype) noexcept {
  return status_call([&] { set_autocast(autocast_device(device_type), enabled != 0, static_cast<at::ScalarType>(dtype)); });
}

// Entering/leaving an autocast region: the cast cache is dropped when the outermost one exits,
// as torch.autocast.__exit__ does, so cached low-precision weights do not outlive the region.
HT_API int ht_autocast_enter() noexcept { return status_call([&] { return at::autocast::increment_nesting(); }); }
HT_API int ht_autocast_exit() noexcept {
  return status_call([&] {
    int depth = at::autocast::decrement_nesting();
    if (depth == 0) at::autocast::clear_cache();
    return depth;
  });
}

// ---- creation ------------------------------------------------------------------------------

HT_API T* ht_from_blob(const void* data, const int64_t* shape, int ndim, int src_dtype, int dtype, int dev_type,
                       int dev_index, int requires_grad) noexcept {
  return tensor_call([&] {
    auto src = static_cast<at::ScalarType>(src_dtype);
    auto view = at::from_blob(const_cast<void*>(data), dims(shape, ndim), at::TensorOptions().dtype(src));
    // Always a copy: the caller unpins the managed buffer as soon as this returns.
    auto t = view.to(device_of(dev_type, dev_index), dtype < 0 ? src : static_cast<at::ScalarType>(dtype),
                     /*non_blocking=*/false, /*copy=*/true);
    return with_grad(std::move(t), requires_grad);
  });
}

HT_API T* ht_empty(const int64_t* shape, int ndim, int dtype, int dev_type, int dev_index, int rg) noexcept {
  return tensor_call([&] { return with_grad(at::empty(dims(shape, ndim), options(dtype, dev_type, dev_index)), rg); });
}
HT_API T* ht_zeros(const int64_t* shape, int ndim, int dtype, int dev_type, int dev_index, int rg) noexcept {
  return tensor_call([&] { return with_grad(at::zeros(dims(shape, ndim), options(dtype, dev_type, dev_index)), rg); });
}
HT_API T* ht_ones(const int64_t* shape, int ndim, int dtype, int dev_type, int dev_index, int rg) noexcept {
  return tensor_call([&] { return with_grad(at::ones(dims(shape, ndim), options(dtype, dev_type, dev_index)), rg); });
}
HT_API T* ht_randn(const int64_t* shape, int ndim, int dtype, int dev_type, int dev_index, int rg) noexcept {
  return tensor_call([&] { return with_grad(at::randn(dims(shape, ndim), options(dtype, dev_type, dev_index)), rg); });
}
HT_API T* ht_rand(const int64_t* shape, int ndim, int dtype, int dev_type, int dev_index, int rg) noexcept {
  return tensor_call([&] { return with_grad(at::rand(dims(shape, ndim), options(dtype, dev_type, dev_index)), rg); });
}
HT_API T* ht_full(const int64_t* shape, int ndim, double value, int is_int, int dtype, int dev_type, int dev_index,
                  int rg) noexcept {
  return tensor_call([&] {
    return with_grad(at::full(dims(shape, ndim), scalar(value, is_int), options(dtype, dev_type, dev_index)), rg);
  });
}
HT_API T* ht_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, int dtype, int dev_type,
                     int dev_index) noexcept {
  return tensor_call([&] {
    return at::randint(low, high, dims(shape, ndim), options(dtype < 0 ? static_cast<int>(at::kLong) : dtype, dev_type, dev_index));
  });
}
HT_API T* ht_randperm(int64_t n, int dtype, int dev_type, int dev_index) noexcept {
  return tensor_call([&] {
    return at::randperm(n, options(dtype < 0 ? static_cast<int>(at::kLong) : dtype, dev_type, dev_index));
  });
}
HT_API T* ht_arange(double start, double end, double step, int dtype, int dev_type, int dev_index, int rg) noexcept {
  return tensor_call([&] {
    // Like torch.arange: integral bounds give int64 unless a dtype is asked for.
    auto all_int = std::floor(start) == start && std::floor(end) == end && std::floor(step) == step;
    auto st = dtype >= 0 ? static_cast<at::ScalarType>(dtype) : (all_int ? at::kLong : dtype_or_default(-1));
    auto opts = at::TensorOptions().dtype(st).device(device_of(dev_type, dev_index));
    return with_grad(at::arange(scalar(start, all_int), scalar(end, all_int), scalar(step, all_int), opts), rg);
  });
}
HT_API T* ht_eye(int64_t n, int64_t m, int dtype, int dev_type, int dev_index) noexcept {
  return tensor_call([&] { return at::eye(n, m, options(dtype, dev_type, dev_index)); });
}
HT_API T* ht_empty_like(const T* a) noexcept { return tensor_call([&] { return at::empty_like(*a); }); }
HT_API T* ht_zeros_like(const T* a) noexcept { return tensor_call([&] { return at::zeros_like(*a); }); }
HT_API T* ht_ones_like(const T* a) noexcept { return tensor_call([&] { return at::ones_like(*a); }); }
HT_API T* ht_randn_like(const T* a) noexcept { return tensor_call([&] { return at::randn_like(*a); }); }
HT_API T* ht_rand_like(const T* a) noexcept { return tensor_call([&] { return at::rand_like(*a); }); }
HT_API T* ht_full_like(const T* a, double v, int is_int) noexcept {
  return tensor_call([&] { return at::full_like(*a, scalar(v, is_int)); });
}

// ---- properties ----------------------------------------------------------------------------

HT_API int ht_dim(const T* a) noexcept { return status_call([&] { return a->dim(); }); }
HT_API int ht_shape(const T* a, int64_t* out) noexcept {
  return status_call([&] {
    auto s = a->sizes();
    std::copy(s.begin(), s.end(), out);
    return static_cast<int>(s.size());
  });
}
HT_API int64_t ht_numel(const T* a) noexcept { return a->numel(); }
HT_API int ht_dtype(const T* a) noexcept { return static_cast<int>(a->scalar_type()); }
HT_API int ht_device(const T* a, int* index) noexcept {
  *index = a->device().index();
  return static_cast<int>(a->device().type());
}
HT_API int ht_requires_grad(const T* a) noexcept { return a->requires_grad() ? 1 : 0; }
HT_API int ht_set_requires_grad(T* a, int rg) noexcept { return status_call([&] { a->set_requires_grad(rg != 0); }); }
HT_API int ht_is_leaf(const T* a) noexcept { return a->is_leaf() ? 1 : 0; }
HT_API int ht_same_storage(const T* a, const T* b) noexcept { return a->is_same(*b) ? 1 : 0; }

HT_API const char* ht_to_string(const T* a) noexcept {
  try {
    std::ostringstream s;
    s << *a;
    ht::last_string = s.str();
    return ht::last_string.c_str();
  } catch (...) {
    ht::set_error_from_current_exception();
    return nullptr;
  }
}

HT_API int ht_item(const T* a, double* out) noexcept { return status_call([&] { *out = a->item().toDouble(); }); }
HT_API int ht_item_int(const T* a, int64_t* out) noexcept { return status_call([&] { *out = a->item().toLong(); }); }

// Copies the elements, row-major, into a caller buffer of exactly nbytes.
HT_API int ht_copy_out(const T* a, void* dst, int64_t nbytes) noexcept {
  return status_call([&] {
    auto c = a->detach().to(at::kCPU).contiguous();
    auto have = static_cast<int64_t>(c.nbytes());
    TORCH_CHECK(have == nbytes, "copy_out: the tensor holds ", have, " bytes but the buffer has ", nbytes);
    if (have > 0) std::memcpy(dst, c.data_ptr(), static_cast<size_t>(have));
  });
}

// Copies nbytes from a caller buffer into a CPU tensor's own storage (a reused input buffer:
// one memcpy, no allocation). The tensor must be contiguous and hold exactly nbytes.
HT_API int ht_copy_in(T* a, const void* src, int64_t nbytes) noexcept {
  return status_call([&] {
    TORCH_CHECK(a->device().is_cpu(), "copy_in: the tensor is on ", a->device(), ", not the CPU");
    TORCH_CHECK(a->is_contiguous(), "copy_in: the tensor is not contiguous");
    auto have = static_cast<int64_t>(a->nbytes());
    TORCH_CHECK(have == nbytes, "copy_in: the tensor holds ", have, " bytes but the buffer has ", nbytes);
    if (have > 0) std::memcpy(a->data_ptr(), src, static_cast<size_t>(have));
  });
}

// Page-locked host memory, so that a host-to-GPU copy can run asynchronously (non_blocking).
// Needs a CUDA build and device: a CPU-only libtorch has no pinned allocator.
HT_API T* ht_pin_memory(const T* a) noexcept {
  return tensor_call([&] {
    TORCH_CHECK(torch::cuda::is_available(), "pin_memory needs CUDA: this libtorch sees no CUDA device");
    return a->pin_memory();
  });
}
HT_API int ht_is_pinned(const T* a) noexcept { return status_call([&] { return a->is_pinned() ? 1 : 0; }); }

// to(device) without waiting: from pinned host memory to a GPU the copy is queued on the current
// stream and the call returns at once (later kernels on that stream see the data).
HT_API T* ht_to_non_blocking(const T* a, int dev_type, int dev_index) noexcept {
  return tensor_call([&] { return a->to(device_of(dev_type, dev_index), a->scalar_type(), /*non_blocking=*/true, /*copy=*/false); });
}

// ---- autograd ------------------------------------------------------------------------------

HT_API int ht_backward(const T* a, const T* grad, int retain_graph, int create_graph) noexcept {
  return status_call([&] {
    a->backward(grad ? *grad : at::Tensor(), retain_graph < 0 ? c10::nullopt : c10::optional<bool>(retain_graph != 0),
                create_graph != 0);
  });
}
// *out is nullptr when the tensor has no gradient (yet); that is not an error.
HT_API int ht_grad(const T* a, T** out) noexcept {
  return status_call([&] {
    const auto& g = a->grad();
    *out = g.defined() ? own(at::Tensor(g)) : nullptr;
  });
}
HT_API int ht_set_grad(T* a, const T* g) noexcept {
  return status_call([&] { a->mutable_grad() = g ? *g : at::Tensor(); });
}
HT_API int ht_retain_grad(const T* a) noexcept { return status_call([&] { a->retain_grad(); }); }
HT_API T* ht_detach(const T* a) noexcept { return tensor_call([&] { return a->detach(); }); }
HT_API int ht_detach_(T* a) noexcept { return status_call([&] { a->detach_(); }); }
HT_API T* ht_alias(const T* a) noexcept { return tensor_call([&] { return at::Tensor(*a); }); }
// Replaces what a parameter holds (module.to(device)) while autograd keeps seeing the same leaf.
HT_API int ht_set_data(T* a, const T* src) noexcept { return status_call([&] { a->set_data(*src); }); }

// ---- conversion ----------------------------------------------------------------------------

HT_API T* ht_to(const T* a, int dtype, int dev_type, int dev_index, int copy) noexcept {
  return tensor_call([&] {
    auto st = dtype < 0 ? a->scalar_type() : static_cast<at::ScalarType>(dtype);
    auto dev = dev_type < 0 ? a->device() : device_of(dev_type, dev_index);
    return a->to(dev, st, /*non_blocking=*/false, copy != 0);
  });
}
HT_API T* ht_clone(const T* a) noexcept { return tensor_call([&] { return a->clone(); }); }
HT_API T* ht_contiguous(const T* a) noexcept { return tensor_call([&] { return a->contiguous(); }); }

// ---- element-wise --------------------------------------------------------------------------

#define HT_UNARY(name, expr) \
  HT_API T* ht_##name(const T* a) noexcept { return tensor_call([&] { return expr; }); }

HT_UNARY(neg, at::neg(*a))
HT_UNARY(abs, at::abs(*a))
HT_UNARY(exp, at::exp(*a))
HT_UNARY(log, at::log(*a))
HT_UNARY(sqrt, at::sqrt(*a))
HT_UNARY(rsqrt, at::rsqrt(*a))
HT_UNARY(square, at::square(*a))
HT_UNARY(reciprocal, at::reciprocal(*a))
HT_UNARY(sin, at::sin(*a))
HT_UNARY(cos, at::cos(*a))
HT_UNARY(tanh, at::tanh(*a))
HT_UNARY(sigmoid, at::sigmoid(*a))
HT_UNARY(relu, at::relu(*a))
HT_UNARY(silu, at::silu(*a))
HT_UNARY(floor, at::floor(*a))
HT_UNARY(round, at::round(*a))
HT_UNARY(sign, at::sign(*a))
HT_UNARY(erf, at::erf(*a))
HT_UNARY(isfinite, at::isfinite(*a))
HT_UNARY(isnan, at::isnan(*a))
HT_UNARY(isinf, at::isinf(*a))
HT_UNARY(logical_not, at::logical_not(*a))
HT_UNARY(all, at::all(*a))
HT_UNARY(any, at::any(*a))
HT_UNARY(sum_all, at::sum(*a))
HT_UNARY(mean_all, at::mean(*a))
HT_UNARY(max_all, at::max(*a))
HT_UNARY(min_all, at::min(*a))
HT_UNARY(t, a->t())
#undef HT_UNARY

HT_API T* ht_gelu(const T* a, int tanh_approximation) noexcept {
  return tensor_call([&] { return at::gelu(*a, tanh_approximation ? "tanh" : "none"); });
}
HT_API T* ht_softmax(const T* a, int64_t dim, int dtype) noexcept {
  return tensor_call([&] { return at::softmax(*a, dim, opt_dtype(dtype)); });
}
HT_API T* ht_log_softmax(const T* a, int64_t dim, int dtype) noexcept {
  return tensor_call([&] { return at::log_softmax(*a, dim, opt_dtype(dtype)); });
}
HT_API T* ht_clamp(const T* a, double lo, int has_lo, double hi, int has_hi) noexcept {
  return tensor_call([&] {
    return at::clamp(*a, has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt,
                     has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt);
  });
}
HT_API T* ht_pow_scalar(const T* a, double e, int is_int) noexcept {
  return tensor_call([&] { return at::pow(*a, scalar(e, is_int)); });
}

#define HT_BINARY(name, expr) \
  HT_API T* ht_##name(const T* a, const T* b) noexcept { return tensor_call([&] { return expr; }); }

HT_BINARY(mul, at::mul(*a, *b))
HT_BINARY(div, at::div(*a, *b))
HT_BINARY(pow, at::pow(*a, *b))
HT_BINARY(matmul, at::matmul(*a, *b))
HT_BINARY(bmm, at::bmm(*a, *b))
HT_BINARY(maximum, at::maximum(*a, *b))
HT_BINARY(minimum, at::minimum(*a, *b))
HT_BINARY(eq, at::eq(*a, *b))
HT_BINARY(ne, at::ne(*a, *b))
HT_BINARY(lt, at::lt(*a, *b))
HT_BINARY(le, at::le(*a, *b))
HT_BINARY(gt, at::gt(*a, *b))
HT_BINARY(ge, at::ge(*a, *b))
HT_BINARY(logical_and, at::logical_and(*a, *b))
HT_BINARY(logical_or, at::logical_or(*a, *b))
HT_BINARY(masked_select, at::masked_select(*a, *b))
#undef HT_BINARY

HT_API T* ht_add(const T* a, const T* b, double alpha) noexcept {
  return tensor_call([&] { return at::add(*a, *b, alpha); });
}
HT_API T* ht_sub(const T* a, const T* b, double alpha) noexcept {
  return tensor_call([&] { return at::sub(*a, *b, alpha); });
}

#define HT_SCALAR(name, expr) \
  HT_API T* ht_##name(const T* a, double v, int is_int) noexcept { return tensor_call([&] { return expr; }); }

HT_SCALAR(add_scalar, at::add(*a, scalar(v, is_int)))
HT_SCALAR(sub_scalar, at::sub(*a, scalar(v, is_int)))
HT_SCALAR(rsub_scalar, at::rsub(*a, scalar(v, is_int)))
HT_SCALAR(mul_scalar, at::mul(*a, scalar(v, is_int)))
HT_SCALAR(div_scalar, at::div(*a, scalar(v, is_int)))
HT_SCALAR(rdiv_scalar, at::mul(at::reciprocal(*a), scalar(v, is_int)))
HT_SCALAR(eq_scalar, at::eq(*a, scalar(v, is_int)))
HT_SCALAR(ne_scalar, at::ne(*a, scalar(v, is_int)))
HT_SCALAR(lt_scalar, at::lt(*a, scalar(v, is_int)))
HT_SCALAR(le_scalar, at::le(*a, scalar(v, is_int)))
HT_SCALAR(gt_scalar, at::gt(*a, scalar(v, is_int)))
HT_SCALAR(ge_scalar, at::ge(*a, scalar(v, is_int)))
#undef HT_SCALAR

HT_API T* ht_where(const T* cond, const T* a, const T* b) noexcept {
  return tensor_call([&] { return at::where(*cond, *a, *b); });
}
HT_API T* ht_masked_fill(const T* a, const T* mask, double v, int is_int) noexcept {
  return tensor_call([&] { return at::masked_fill(*a, *mask, scalar(v, is_int)); });
}
HT_API T* ht_lerp(const T* a, const T* b, double w) noexcept { return tensor_call([&] { return at::lerp(*a, *b, w); }); }

// ---- in place ------------------------------------------------------------------------------

HT_API int ht_add_(T* a, const T* b, double alpha) noexcept { return status_call([&] { a->add_(*b, alpha); }); }
HT_API int ht_sub_(T* a, const T* b, double alpha) noexcept { return status_call([&] { a->sub_(*b, alpha); }); }
HT_API int ht_mul_(T* a, const T* b) noexcept { return status_call([&] { a->mul_(*b); }); }
HT_API int ht_div_(T* a, const T* b) noexcept { return status_call([&] { a->div_(*b); }); }
HT_API int ht_add_scalar_(T* a, double v, int is_int) noexcept { return status_call([&] { a->add_(scalar(v, is_int)); }); }
HT_API int ht_mul_scalar_(T* a, double v, int is_int) noexcept { return status_call([&] { a->mul_(scalar(v, is_int)); }); }
HT_API int ht_div_scalar_(T* a, double v, int is_int) noexcept { return status_call([&] { a->div_(scalar(v, is_int)); }); }
HT_API int ht_fill_(T* a, double v, int is_int) noexcept { return status_call([&] { a->fill_(scalar(v, is_int)); }); }
HT_API int ht_zero_(T* a) noexcept { return status_call([&] { a->zero_(); }); }
HT_API int ht_copy_(T* a, const T* src) noexcept { return status_call([&] { a->copy_(*src); }); }
HT_API int ht_normal_(T* a, double mean, double std) noexcept { return status_call([&] { a->normal_(mean, std); }); }
HT_API int ht_uniform_(T* a, double lo, double hi) noexcept { return status_call([&] { a->uniform_(lo, hi); }); }
HT_API int ht_clamp_(T* a, double lo, int has_lo, double hi, int has_hi) noexcept {
  return status_call([&] {
    a->clamp_(has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt, has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt);
  });
}
HT_API int ht_masked_fill_(T* a, const T* mask, double v, int is_int) noexcept {
  return status_call([&] { a->masked_fill_(*mask, scalar(v, is_int)); });
}

// Values from N(mean, std²) redrawn into [lo, hi] by inverting the truncated CDF, the method of
// torch.nn.init.trunc_normal_ (exact for any bounds, no rejection loop).
HT_API int ht_trunc_normal_(T* a, double mean, double std, double lo, double hi) noexcept {
  return status_call([&] {
    at::NoGradGuard no_grad;
    auto cdf = [](double x) { return (1.0 + std::erf(x / std::sqrt(2.0))) / 2.0; };
    double l = cdf((lo - mean) / std);
    double u = cdf((hi - mean) / std);
    a->uniform_(2 * l - 1, 2 * u - 1);
    a->erfinv_();
    a->mul_(std * std::sqrt(2.0));
    a->add_(mean);
    a->clamp_(lo, hi);
  });
}

// ---- reductions ----------------------------------------------------------------------------

HT_API T* ht_sum(const T* a, const int64_t* d, int nd, int keepdim, int dtype) noexcept {
  return tensor_call([&] { return at::sum(*a, dims(d, nd), keepdim != 0, opt_dtype(dtype)); });
}
HT_API T* ht_mean(const T* a, const int64_t* d, int nd, int keepdim, int dtype) noexcept {
  return tensor_call([&] { return at::mean(*a, dims(d, nd), keepdim != 0, opt_dtype(dtype)); });
}
HT_API T* ht_var(const T* a, const int64_t* d, int nd, int64_t correction, int keepdim) noexcept {
  return tensor_call([&] {
    return at::var(*a, nd < 0 ? at::OptionalIntArrayRef() : at::OptionalIntArrayRef(dims(d, nd)), c10::optional<int64_t>(correction), keepdim != 0);
  });
}
HT_API T* ht_std(const T* a, const int64_t* d, int nd, int64_t correction, int keepdim) noexcept {
  return tensor_call([&] {
    return at::std(*a, nd < 0 ? at::OptionalIntArrayRef() : at::OptionalIntArrayRef(dims(d, nd)), c10::optional<int64_t>(correction), keepdim != 0);
  });
}
HT_API T* ht_norm(const T* a, double p, const int64_t* d, int nd, int keepdim) noexcept {
  return tensor_call([&] {
    return nd < 0 ? at::norm(*a, p) : at::norm(*a, c10::optional<at::Scalar>(p), dims(d, nd), keepdim != 0);
  });
}
HT_API T* ht_logsumexp(const T* a, const int64_t* d, int nd, int keepdim) noexcept {
  return tensor_call([&] { return at::logsumexp(*a, dims(d, nd), keepdim != 0); });
}
HT_API T* ht_prod(const T* a, int64_t dim, int keepdim) noexcept {
  return tensor_call([&] { return at::prod(*a, dim, keepdim != 0); });
}
HT_API T* ht_cumprod(const T* a, int64_t dim) noexcept { return tensor_call([&] { return at::cumprod(*a, dim); }); }
HT_API T* ht_cumsum(const T* a, int64_t dim) noexcept { return tensor_call([&] { return at::cumsum(*a, dim); }); }
HT_API T* ht_argmax(const T* a, int64_t dim, int has_dim, int keepdim) noexcept {
  return tensor_call([&] { return at::argmax(*a, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0); });
}
HT_API T* ht_argmin(const T* a, int64_t dim, int has_dim, int keepdim) noexcept {
  return tensor_call([&] { return at::argmin(*a, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0); });
}
HT_API int ht_max_dim(const T* a, int64_t dim, int keepdim, T** values, T** indices) noexcept {
  return status_call([&] {
    auto r = at::max(*a, dim, keepdim != 0);
    *values = own(std::move(std::get<0>(r)));
    *indices = own(std::move(std::get<1>(r)));
  });
}
HT_API int ht_min_dim(const T* a, int64_t dim, int keepdim, T** values, T** indices) noexcept {
  return status_call([&] {
    auto r = at::min(*a, dim, keepdim != 0);
    *values = own(std::move(std::get<0>(r)));
    *indices = own(std::move(std::get<1>(r)));
  });
}
HT_API int ht_topk(const T* a, int64_t k, int64_t dim, int largest, int sorted, T** values, T** indices) noexcept {
  return status_call([&] {
    auto r = at::topk(*a, k, dim, largest != 0, sorted != 0);
    *values = own(std::move(std::get<0>(r)));
    *indices = own(std::move(std::get<1>(r)));
  });
}
HT_API int ht_sort(const T* a, int64_t dim, int descending, T** values, T** indices) noexcept {
  return status_call([&] {
    auto r = at::sort(*a, dim, descending != 0);
    *values = own(std::move(std::get<0>(r)));
    *indices = own(std::move(std::get<1>(r)));
  });
}
HT_API int ht_allclose(const T* a, const T* b, double rtol, double atol) noexcept {
  return status_call([&] { return at::allclose(*a, *b, rtol, atol) ? 1 : 0; });
}
HT_API int ht_equal(const T* a, const T* b) noexcept { return status_call([&] { return at::equal(*a, *b) ? 1 : 0; }); }

// ---- shapes --------------------------------------------------------------------------------

HT_API T* ht_reshape(const T* a, const int64_t* s, int n) noexcept { return tensor_call([&] { return a->reshape(dims(s, n)); }); }
HT_API T* ht_view(const T* a, const int64_t* s, int n) noexcept { return tensor_call([&] { return a->view(dims(s, n)); }); }
HT_API T* ht_permute(const T* a, const int64_t* s, int n) noexcept { return tensor_call([&] { return a->permute(dims(s, n)); }); }
HT_API T* ht_expand(const T* a, const int64_t* s, int n) noexcept { return tensor_call([&] { return a->expand(dims(s, n)); }); }
HT_API T* ht_repeat(const T* a, const int64_t* s, int n) noexcept { return tensor_call([&] { return a->repeat(dims(s, n)); }); }
HT_API T* ht_transpose(const T* a, int64_t d0, int64_t d1) noexcept { return tensor_call([&] { return a->transpose(d0, d1); }); }
HT_API T* ht_flatten(const T* a, int64_t start, int64_t end) noexcept { return tensor_call([&] { return a->flatten(start, end); }); }
HT_API T* ht_unflatten(const T* a, int64_t dim, const int64_t* s, int n) noexcept {
  return tensor_call([&] { return a->unflatten(dim, dims(s, n)); });
}
HT_API T* ht_unsqueeze(const T* a, int64_t d) noexcept { return tensor_call([&] { return a->unsqueeze(d); }); }
HT_API T* ht_squeeze(const T* a) noexcept { return tensor_call([&] { return a->squeeze(); }); }
HT_API T* ht_squeeze_dim(const T* a, int64_t d) noexcept { return tensor_call([&] { return a->squeeze(d); }); }
HT_API T* ht_narrow(const T* a, int64_t dim, int64_t start, int64_t length) noexcept {
  return tensor_call([&] { return a->narrow(dim, start, length); });
}
HT_API T* ht_select(const T* a, int64_t dim, int64_t index) noexcept { return tensor_call([&] { return a->select(dim, index); }); }
HT_API T* ht_slice(const T* a, int64_t dim, int64_t start, int has_start, int64_t end, int has_end, int64_t step) noexcept {
  return tensor_call([&] {
    return a->slice(dim, has_start ? c10::optional<int64_t>(start) : c10::nullopt,
                    has_end ? c10::optional<int64_t>(end) : c10::nullopt, step);
  });
}
HT_API T* ht_index_select(const T* a, int64_t dim, const T* index) noexcept {
  return tensor_call([&] { return at::index_select(*a, dim, *index); });
}
HT_API T* ht_gather(const T* a, int64_t dim, const T* index) noexcept {
  return tensor_call([&] { return at::gather(*a, dim, *index); });
}
HT_API T* ht_one_hot(const T* a, int64_t num_classes) noexcept { return tensor_call([&] { return at::one_hot(*a, num_classes); }); }

HT_API int ht_chunk(const T* a, int64_t chunks, int64_t dim, T** out, int capacity) noexcept {
  return status_call([&] { return hand_out(a->chunk(chunks, dim), out, capacity); });
}
HT_API int ht_split(const T* a, int64_t size, int64_t dim, T** out, int capacity) noexcept {
  return status_call([&] { return hand_out(a->split(size, dim), out, capacity); });
}
HT_API int ht_split_sizes(const T* a, const int64_t* sizes, int n, int64_t dim, T** out, int capacity) noexcept {
  return status_call([&] { return hand_out(a->split_with_sizes(dims(sizes, n), dim), out, capacity); });
}
HT_API int ht_unbind(const T* a, int64_t dim, T** out, int capacity) noexcept {
  return status_call([&] { return hand_out(a->unbind(dim), out, capacity); });
}
HT_API T* ht_cat(T* const* ts, int n, int64_t dim) noexcept { return tensor_call([&] { return at::cat(tensor_list(ts, n), dim); }); }
HT_API T* ht_stack(T* const* ts, int n, int64_t dim) noexcept { return tensor_call([&] { return at::stack(tensor_list(ts, n), dim); }); }

// Python-style indexing. Each index i is described by kinds[i] and three int64 args[3i..3i+2]:
// 0 integer (args[0]), 1 slice (start, stop, step; flags bit 1 = has start, bit 2 = has stop),
// 2 ellipsis, 3 None (new axis), 4 tensor (tensors[i]), 5 bool (args[0]).
namespace {
std::vector<at::indexing::TensorIndex> indices(int n, const int* kinds, const int64_t* args, const int* flags,
                                               T* const* tensors) {
  using namespace at::indexing;
  std::vector<TensorIndex> ix;
  ix.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const int64_t* a = args + 3 * i;
    switch (kinds[i]) {
      case 0: ix.emplace_back(a[0]); break;
      case 1:
        ix.emplace_back(Slice(flags[i] & 1 ? c10::optional<int64_t>(a[0]) : c10::nullopt,
                              flags[i] & 2 ? c10::optional<int64_t>(a[1]) : c10::nullopt, a[2]));
        break;
      case 2: ix.emplace_back(Ellipsis); break;
      case 3: ix.emplace_back(None); break;
      case 4: ix.emplace_back(*tensors[i]); break;
      case 5: ix.emplace_back(a[0] != 0); break;
      default: throw std::invalid_argument("unknown index kind " + std::to_string(kinds[i]));
    }
  }
  return ix;
}
}  // namespace

HT_API T* ht_index(const T* a, int n, const int* kinds, const int64_t* args, const int* flags, T* const* tensors) noexcept {
  return tensor_call([&] { return a->index(indices(n, kinds, args, flags, tensors)); });
}
HT_API int ht_index_put_(T* a, int n, const int* kinds, const int64_t* args, const int* flags, T* const* tensors,
                         const T* value) noexcept {
  return status_call([&] { a->index_put_(indices(n, kinds, args, flags, tensors), *value); });
}
HT_API int ht_index_fill_(T* a, int n, const int* kinds, const int64_t* args, const int* flags, T* const* tensors,
                          double v, int is_int) noexcept {
  return status_call([&] { a->index_put_(indices(n, kinds, args, flags, tensors), scalar(v, is_int)); });
}

// ---- nn.functional -------------------------------------------------------------------------

HT_API T* ht_linear(const T* x, const T* w, const T* b) noexcept { return tensor_call([&] { return at::linear(*x, *w, opt(b)); }); }
HT_API T* ht_conv2d(const T* x, const T* w, const T* b, const int64_t* stride, const int64_t* padding,
                    const int64_t* dilation, int64_t groups) noexcept {
  return tensor_call([&] { return at::conv2d(*x, *w, opt(b), dims(stride, 2), dims(padding, 2), dims(dilation, 2), groups); });
}
HT_API T* ht_layer_norm(const T* x, const int64_t* shape, int n, const T* w, const T* b, double eps) noexcept {
  return tensor_call([&] { return at::layer_norm(*x, dims(shape, n), opt(w), opt(b), eps); });
}
HT_API T* ht_dropout(const T* x, double p, int train) noexcept { return tensor_call([&] { return at::dropout(*x, p, train != 0); }); }
HT_API T* ht_embedding(const T* weight, const T* indices) noexcept {
  return tensor_call([&] { return at::embedding(*weight, *indices); });
}
HT_API T* ht_avg_pool2d(const T* x, const int64_t* kernel, const int64_t* stride, const int64_t* padding) noexcept {
  return tensor_call([&] { return at::avg_pool2d(*x, dims(kernel, 2), dims(stride, 2), dims(padding, 2)); });
}
HT_API T* ht_max_pool2d(const T* x, const int64_t* kernel, const int64_t* stride, const int64_t* padding) noexcept {
  return tensor_call([&] { return at::max_pool2d(*x, dims(kernel, 2), dims(stride, 2), dims(padding, 2)); });
}
HT_API T* ht_pad(const T* x, const int64_t* pad, int n, double value) noexcept {
  return tensor_call([&] { return at::constant_pad_nd(*x, dims(pad, n), value); });
}
// reduction: 0 none, 1 mean, 2 sum (at::Reduction).
HT_API T* ht_cross_entropy(const T* logits, const T* target, const T* weight, int64_t reduction, int64_t ignore_index,
                           double label_smoothing) noexcept {
  return tensor_call([&] {
    return at::cross_entropy_loss(*logits, *target, opt(weight), reduction, ignore_index, label_smoothing);
  });
}
HT_API T* ht_nll_loss(const T* logp, const T* target, const T* weight, int64_t reduction, int64_t ignore_index) noexcept {
  return tensor_call([&] { return at::nll_loss(*logp, *target, opt(weight), reduction, ignore_index); });
}
HT_API T* ht_mse_loss(const T* a, const T* b, int64_t reduction) noexcept {
  return tensor_call([&] { return at::mse_loss(*a, *b, reduction); });
}
HT_API T* ht_bce_with_logits(const T* a, const T* b, int64_t reduction) noexcept {
  return tensor_call([&] { return at::binary_cross_entropy_with_logits(*a, *b, c10::nullopt, c10::nullopt, reduction); });
}

// ---- optimisation --------------------------------------------------------------------------

// One AdamW step over a parameter group, the update of torch.optim.AdamW (PyTorch 1.13,
// single-tensor path): decoupled decay p ← p(1 − lr·wd), then the bias-corrected Adam step.
// steps[i] is the parameter's step count after this update (1 on the first step). Parameters
// without a gradient are skipped, as PyTorch does.
HT_API int ht_adamw_step(T* const* params, T* const* exp_avgs, T* const* exp_avg_sqs, T* const* max_exp_avg_sqs,
                         const int64_t* steps, int n, double lr, double beta1, double beta2, double eps,
                         double weight_decay, int amsgrad, int maximize) noexcept {
  return status_call([&] {
    at::NoGradGuard no_grad;
    for (int i = 0; i < n; ++i) {
      auto& p = *params[i];
      const auto& g0 = p.grad();
      if (!g0.defined()) continue;
      auto grad = maximize ? -g0 : g0;
      auto& m = *exp_avgs[i];
      auto& v = *exp_avg_sqs[i];
      p.mul_(1 - lr * weight_decay);
      m.mul_(beta1).add_(grad, 1 - beta1);
      v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
      auto step = static_cast<double>(steps[i]);
      double bias_correction1 = 1 - std::pow(beta1, step);
      double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, step));
      double step_size = lr / bias_correction1;
      at::Tensor denom;
      if (amsgrad) {
        auto& vmax = *max_exp_avg_sqs[i];
        at::maximum_out(vmax, vmax, v);
        denom = (vmax.sqrt() / bias_correction2_sqrt).add_(eps);
      } else {
        denom = (v.sqrt() / bias_correction2_sqrt).add_(eps);
      }
      p.addcdiv_(m, denom, -step_size);
    }
  });
}

// torch.nn.utils.clip_grad_norm_: scales all gradients by min(1, max_norm / (total + 1e-6)),
// where total is the norm of the per-gradient norms; returns that total (before clipping).
HT_API int ht_clip_grad_norm(T* const* params, int n, double max_norm, double norm_type, int error_if_nonfinite,
                             double* total_out) noexcept {
  return status_call([&] {
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> grads;
    for (int i = 0; i < n; ++i) {
      const auto& g = params[i]->grad();
      if (g.defined()) grads.push_back(g);
    }
    if (grads.empty()) {
      *total_out = 0;
      return;
    }
    at::Tensor total;
    std::vector<at::Tensor> norms;
    norms.reserve(grads.size());
    auto device = grads[0].device();
    if (std::isinf(norm_type)) {
      for (auto& g : grads) norms.push_back(g.abs().max().to(device));
      total = norms.size() == 1 ? norms[0] : at::stack(norms).max();
    } else {
      for (auto& g : grads) norms.push_back(at::norm(g, norm_type).to(device));
      total = at::norm(at::stack(norms), norm_type);
    }
    double t = total.item().toDouble();
    if (error_if_nonfinite && !std::isfinite(t)) {
      throw std::runtime_error("the total norm of order " + std::to_string(norm_type) +
                               " of the gradients is non-finite, so it cannot be clipped");
    }
    auto coef = at::clamp(max_norm / (total + 1e-6), c10::nullopt, 1.0);
    for (auto& g : grads) g.mul_(coef.to(g.device()));
    *total_out = t;
  });
}
