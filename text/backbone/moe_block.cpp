#include "text/backbone/moe_block.h"

#include "ops/activation.h"
#include "ops/device_memory.h"
#include "ops/linear.h"
#include "ops/moe.h"
#include "ops/moe_grouped.h"
#include "ops/moe_small_batch.h"

namespace lightvl::text {
namespace {

// Batches of at most this many tokens (decode, short speculative steps) take the fused device-side op
// on CUDA: each routed expert then sees one or two tokens, the cost is reading its weights, and the
// GEMM path's host round trip for the routing and its per-expert launches would dominate. Larger
// batches share each expert among many tokens, which grouped GEMMs serve better.
constexpr int64_t kSmallBatchTokens = 8;

std::vector<ops::MoeExpert> expert_views(const MoeWeights& w) {
  std::vector<ops::MoeExpert> experts;
  experts.reserve(w.experts.size());
  for (const ExpertWeights& e : w.experts) experts.push_back({&e.w1, &e.w3, &e.w2});
  return experts;
}

// The fused small-batch path (ops/moe_small_batch.h), taken on CUDA for a few tokens when the experts
// have float weights it supports (quantised experts keep the per-expert path below). The CPU stays on
// the per-expert path, whose results the transformers goldens were checked against; there the fused and
// grouped ops are only the parity references of their CUDA kernels. Returns false, doing nothing, when the path does not apply.
bool small_batch_moe(const BackboneSpec& spec, const MoeWeights& w, const Tensor& x, const Tensor& router_logits,
                     Tensor& out) {
  if (x.device() != Device::kCuda || x.dim(0) > kSmallBatchTokens) return false;
  const std::vector<ops::MoeExpert> experts = expert_views(w);
  if (!ops::moe_experts_small_batch_supported(x, int(spec.experts_per_token), experts)) return false;
  out = ops::empty(x.dtype(), {x.dim(0), spec.hidden_size}, x.device());
  ops::moe_experts_small_batch(x, router_logits, int(spec.experts_per_token), experts, out);
  return true;
}

// The grouped-GEMM path (ops/moe_grouped.h), taken on CUDA for larger batches (prefill) with float
// experts of the activation dtype: routing and token permutation stay on the device and each weight's
// products run as one grouped GEMM over the experts. Same contract and fallback as small_batch_moe.
bool grouped_moe(const BackboneSpec& spec, const MoeWeights& w, const Tensor& x, const Tensor& router_logits,
                 Tensor& out) {
  if (x.device() != Device::kCuda) return false;
  const std::vector<ops::MoeExpert> experts = expert_views(w);
  if (!ops::moe_experts_grouped_supported(x, int(spec.experts_per_token), experts)) return false;
  out = ops::empty(x.dtype(), {x.dim(0), spec.hidden_size}, x.device());
  ops::moe_experts_grouped(x, router_logits, int(spec.experts_per_token), experts, out);
  return true;
}

}  // namespace

Tensor moe_block(const BackboneSpec& spec, const MoeWeights& w, const Tensor& x) {
  const int64_t tokens = x.dim(0);
  Tensor router_logits = ops::empty(x.dtype(), {tokens, spec.num_experts}, x.device());
  ops::linear(x, w.router, nullptr, router_logits);
  if (Tensor fused; small_batch_moe(spec, w, x, router_logits, fused)) return fused;
  if (Tensor grouped; grouped_moe(spec, w, x, router_logits, grouped)) return grouped;

  const ops::Routing routing = ops::moe_route(router_logits, int(spec.experts_per_token));

  Tensor out = ops::zeros(x.dtype(), {tokens, spec.hidden_size}, x.device());  // an accumulator
  // Experts in index order; each processes the tokens routed to it as one batch (token permutation).
  for (int64_t e = 0; e < spec.num_experts; ++e) {
    std::vector<int32_t> rows;
    std::vector<float> scales;
    for (int64_t t = 0; t < tokens; ++t) {
      for (int j = 0; j < routing.top_k; ++j) {
        const size_t slot = size_t(t * routing.top_k + j);
        if (routing.expert_ids[slot] == e) {
          rows.push_back(int32_t(t));
          scales.push_back(routing.weights[slot]);
        }
      }
    }
    if (rows.empty()) continue;
    const int64_t n = int64_t(rows.size());
    const ExpertWeights& expert = w.experts[size_t(e)];
    Tensor xs = ops::empty(x.dtype(), {n, spec.hidden_size}, x.device());
    ops::gather_rows(x, rows, xs);
    Tensor gate = ops::empty(x.dtype(), {n, spec.intermediate_size}, x.device());
    Tensor up = ops::empty(x.dtype(), {n, spec.intermediate_size}, x.device());
    ops::linear(xs, expert.w1, nullptr, gate);
    ops::linear(xs, expert.w3, nullptr, up);
    ops::swiglu(gate, up, gate);
    Tensor y = ops::empty(x.dtype(), {n, spec.hidden_size}, x.device());
    ops::linear(gate, expert.w2, nullptr, y);
    ops::scatter_add_rows(y, rows, scales, out);
  }
  return out;
}

}  // namespace lightvl::text
