// HoMM's high-order aggregation as one operation with its own backward:
//
//   g = gelu(h)                    h: [B, N, K·S] (the ho_proj output), K = order
//   p_k = g_0 ⊙ g_1 ⊙ … ⊙ g_k      g_i = the i-th of K chunks of the last dimension
//   out = Σ_n w_n · cat(p_0 … p_{K-1})   over tokens; w_n = 1/N, or mask_n / Σ mask (masked mean)
//
// Eager PyTorch materialises gelu(h), every product, their concatenation and the masked copy,
// and keeps most of them for backward. Here forward keeps only h and g = gelu(h) (what gelu's own
// backward needs anyway), the products are never stored, and backward writes dL/dg in one pass:
// with prefix products P_i = Π_{j<i} g_j and R_i = go_i + g_{i+1}·R_{i+1} (R_{K-1} = go_{K-1}),
// dL/dg_i = w · P_i · R_i — no division, so zeros of gelu are handled exactly.
//
// The fused kernel covers float/double CPU tensors; other dtypes and devices (bfloat16
// under autocast, CUDA) take the composite path built from ATen ops, which autograd differentiates.
#include "homm_torch.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <vector>

using ht::T;

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// weights: [B, N] in the op's dtype, or undefined for the plain mean.
template <typename scalar_t>
void aggregate_forward(const scalar_t* __restrict__ g, const scalar_t* __restrict__ weights, scalar_t* __restrict__ out, int64_t B, int64_t N, int64_t K,
                       int64_t S) {
  const int64_t KS = K * S;
  const scalar_t inv_n = scalar_t(1) / static_cast<scalar_t>(N);
  at::parallel_for(0, B, 1, [&](int64_t b0, int64_t b1) {
    std::vector<scalar_t> run_buffer(static_cast<size_t>(S));
    scalar_t* __restrict__ run = run_buffer.data();
    for (int64_t b = b0; b < b1; ++b) {
      scalar_t* __restrict__ o = out + b * KS;
      std::fill(o, o + KS, scalar_t(0));
      for (int64_t n = 0; n < N; ++n) {
        const scalar_t w = weights ? weights[b * N + n] : inv_n;
        if (w == scalar_t(0)) continue;
        const scalar_t* __restrict__ row = g + (b * N + n) * KS;
        for (int64_t s = 0; s < S; ++s) {
          run[s] = row[s];
          o[s] += w * run[s];
        }
        for (int64_t k = 1; k < K; ++k) {
          const scalar_t* __restrict__ gk = row + k * S;
          scalar_t* __restrict__ ok = o + k * S;
          for (int64_t s = 0; s < S; ++s) {
            run[s] *= gk[s];
            ok[s] += w * run[s];
          }
        }
      }
    }
  });
}

template <typename scalar_t>
void aggregate_backward(const scalar_t* __restrict__ g, const scalar_t* __restrict__ weights, const scalar_t* __restrict__ go,
                        scalar_t* __restrict__ dg, int64_t B,
                        int64_t N, int64_t K, int64_t S) {
  const int64_t KS = K * S;
  const scalar_t inv_n = scalar_t(1) / static_cast<scalar_t>(N);
  at::parallel_for(0, B, 1, [&](int64_t b0, int64_t b1) {
    // Restrict-qualified locals: without them the compiler must assume the scratch buffers alias
    // the rows and gives up vectorising.
    std::vector<scalar_t> prefix_buffer(static_cast<size_t>(KS));
    std::vector<scalar_t> r_buffer(static_cast<size_t>(S));
    scalar_t* __restrict__ prefix = prefix_buffer.data();
    scalar_t* __restrict__ r = r_buffer.data();
    for (int64_t b = b0; b < b1; ++b) {
      const scalar_t* __restrict__ gob = go + b * KS;
      for (int64_t n = 0; n < N; ++n) {
        const scalar_t w = weights ? weights[b * N + n] : inv_n;
        const scalar_t* __restrict__ row = g + (b * N + n) * KS;
        scalar_t* __restrict__ drow = dg + (b * N + n) * KS;
        if (w == scalar_t(0)) {
          std::fill(drow, drow + KS, scalar_t(0));
          continue;
        }
        // Exclusive prefix products P_i = Π_{j<i} g_j.
        for (int64_t s = 0; s < S; ++s) prefix[s] = scalar_t(1);
        for (int64_t i = 1; i < K; ++i) {
          for (int64_t s = 0; s < S; ++s) prefix[i * S + s] = prefix[(i - 1) * S + s] * row[(i - 1) * S + s];
        }
        for (int64_t s = 0; s < S; ++s) r[s] = gob[(K - 1) * S + s];
        for (int64_t i = K - 1; i >= 0; --i) {
          for (int64_t s = 0; s < S; ++s) drow[i * S + s] = w * prefix[i * S + s] * r[s];
          if (i > 0) {
            for (int64_t s = 0; s < S; ++s) r[s] = gob[(i - 1) * S + s] + row[i * S + s] * r[s];
          }
        }
      }
    }
  });
}

at::Tensor mask_weights(const at::Tensor& mask, const at::Tensor& h) {
  auto m = mask.to(h.scalar_type());
  return (m / m.sum(-1, /*keepdim=*/true)).contiguous();
}

struct HighOrderAggregation : public torch::autograd::Function<HighOrderAggregation> {
  // weights is optional: autograd's argument extraction accepts an absent optional tensor, not an undefined one.
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& h, int64_t order,
                            const c10::optional<at::Tensor>& optional_weights) {
    const at::Tensor weights = optional_weights.value_or(at::Tensor());
    auto hc = h.contiguous();
    auto g = at::gelu(hc);
    const int64_t B = hc.size(0), N = hc.size(1), KS = hc.size(2), S = KS / order;
    auto out = at::empty({B, 1, KS}, hc.options());
    AT_DISPATCH_FLOATING_TYPES(hc.scalar_type(), "high_order_aggregation", [&] {
      aggregate_forward<scalar_t>(g.data_ptr<scalar_t>(), weights.defined() ? weights.data_ptr<scalar_t>() : nullptr,
                                  out.data_ptr<scalar_t>(), B, N, order, S);
    });
    ctx->save_for_backward({hc, g, weights});
    ctx->saved_data["order"] = order;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    const auto& h = saved[0];
    const auto& g = saved[1];
    const auto& weights = saved[2];
    const int64_t order = ctx->saved_data["order"].toInt();
    auto go = grad_outputs[0].contiguous();
    const int64_t B = h.size(0), N = h.size(1), KS = h.size(2), S = KS / order;
    auto dg = at::empty_like(h);
    AT_DISPATCH_FLOATING_TYPES(h.scalar_type(), "high_order_aggregation_backward", [&] {
      aggregate_backward<scalar_t>(g.data_ptr<scalar_t>(), weights.defined() ? weights.data_ptr<scalar_t>() : nullptr,
                                   go.data_ptr<scalar_t>(), dg.data_ptr<scalar_t>(), B, N, order, S);
    });
    return {at::gelu_backward(dg, h), at::Tensor(), at::Tensor()};
  }
};

// The same function from ATen ops: the reference, and the path for other dtypes and devices.
at::Tensor composite(const at::Tensor& h, int64_t order, const c10::optional<at::Tensor>& mask) {
  auto g = at::gelu(h);
  auto chunks = g.chunk(order, -1);
  for (size_t i = 1; i < chunks.size(); ++i) chunks[i] = chunks[i - 1] * chunks[i];
  auto moments = at::cat(chunks, -1);
  if (!mask) return moments.mean({1}, /*keepdim=*/true);
  auto m = mask->to(moments.scalar_type()).unsqueeze(-1);
  return (moments * m).sum({1}, /*keepdim=*/true) / m.sum({1}, /*keepdim=*/true);
}

}  // namespace

// h: [B, N, order·S]; mask: optional [B, N] (any dtype; nonzero = token counts, values weight it).
// Returns [B, 1, order·S]. fused = 0 forces the composite path (tests compare the two).
HT_API T* ht_high_order_aggregation(const T* h, int64_t order, const T* mask, int fused) noexcept {
  return ht::tensor_call([&] {
    TORCH_CHECK(order >= 1, "high_order_aggregation: order must be >= 1, got ", order);
    TORCH_CHECK(h->dim() == 3, "high_order_aggregation: h must be [batch, tokens, order*features], got ", h->sizes());
    TORCH_CHECK(h->size(2) % order == 0, "high_order_aggregation: the last dimension of h (", h->size(2),
                ") is not divisible by order (", order, ")");
    if (mask) {
      TORCH_CHECK(mask->dim() == 2 && mask->size(0) == h->size(0) && mask->size(1) == h->size(1),
                  "high_order_aggregation: mask must be [batch, tokens] = [", h->size(0), ", ", h->size(1), "], got ",
                  mask->sizes());
    }
    auto optional_mask = mask ? c10::optional<at::Tensor>(*mask) : c10::nullopt;
    const bool kernel = fused && h->device().is_cpu() &&
                        (h->scalar_type() == at::kFloat || h->scalar_type() == at::kDouble) && h->size(1) > 0;
    if (!kernel) return composite(*h, order, optional_mask);
    c10::optional<at::Tensor> weights;
    if (mask) {
      at::NoGradGuard no_grad;
      weights = mask_weights(*mask, *h);
    }
    return HighOrderAggregation::apply(*h, order, weights);
  });
}
