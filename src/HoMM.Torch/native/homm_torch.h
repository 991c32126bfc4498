// Shared by the translation units of the shim: the boundary rules every exported function follows.
//
// Contract of the C ABI (mirrored by Native/NativeMethods.cs):
// - A tensor is an owned `at::Tensor*`; the caller frees it with ht_free exactly once.
// - A function returning a tensor returns nullptr on failure; one returning int returns -1 on
//   failure (>= 0 otherwise). The reason is in ht_last_error(), a thread-local string.
// - No C++ exception ever crosses the boundary: libtorch's errors (shape mismatches, bad dtypes,
//   out of memory) become that string, and the C# side throws a TorchException carrying it.
#pragma once

#include <ATen/ATen.h>

#include <atomic>
#include <string>
#include <utility>

#define HT_API extern "C" __attribute__((visibility("default")))

namespace ht {

using T = at::Tensor;

void set_error(const char* message) noexcept;
void set_error_from_current_exception() noexcept;
T* own(at::Tensor&& t);

// Runs f, returning its tensor as an owned handle, or nullptr with the error recorded.
template <class F>
T* tensor_call(F&& f) noexcept {
  try {
    return own(f());
  } catch (...) {
    set_error_from_current_exception();
    return nullptr;
  }
}

// Runs f, returning 0 (or f's non-negative int), or -1 with the error recorded.
template <class F>
int status_call(F&& f) noexcept {
  try {
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      return 0;
    } else {
      return static_cast<int>(f());
    }
  } catch (...) {
    set_error_from_current_exception();
    return -1;
  }
}

}  // namespace ht
