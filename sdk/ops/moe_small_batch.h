// The routed-expert FFN of a mixture-of-experts layer for a few tokens at a time (decode), in one op:
// routing, the experts' SwiGLU products and the weighted combination, without the host in the loop.
//
// ops/moe.h splits MoE into routing on the host plus per-expert GEMMs, which suits prefill (each expert
// sees many tokens). At decode each routed expert sees one or two tokens, the work is reading its
// weights, and the host round trip of the routing and the per-expert launches dominate. This op keeps
// the routing on the device (CUDA: three kernel launches, no synchronisation, no host copies).
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::ops {

// One expert's SwiGLU weights, borrowed (not owned): gate = w1 [I, hidden], up = w3 [I, hidden],
// down = w2 [hidden, I], the PyTorch layout. The pointed-to tensors must outlive the call (on CUDA until
// the queued work has run, as for every op's operands).
struct MoeExpert {
  const Tensor* gate = nullptr;
  const Tensor* up = nullptr;
  const Tensor* down = nullptr;
};

// Most (token, expert) pairs one call handles: tokens · top_k ≤ this. Larger batches belong to the
// per-expert GEMM path of ops/moe.h.
constexpr int64_t kMoeSmallBatchMaxPairs = 256;

// out[t, :] = Σ_{j<k} weight_tj · down_e(silu(gate_e · x_t) ⊙ (up_e · x_t)), e = expert_tj, where the
// routing (expert_tj, weight_tj) is exactly ops::moe_route(router_logits, top_k): f32 softmax, top-k with
// ties to the lower expert index, weights renormalised by the sum of the chosen probabilities (spec §6).
// The k terms are added in rank order j = 0..k-1 in f32 and rounded once to out's dtype; the expert
// products accumulate in f32 (the CUDA backend keeps the SwiGLU activations in f32 as well).
// x: [T, hidden] activations (f32 on the CPU; f32 or bf16 on CUDA); router_logits: [T, E] on x's device
// (an activation dtype); experts: E entries, every weight on x's device, all of one float dtype (f32,
// f16 or bf16) and one intermediate size I; out: [T, hidden] like x, preallocated, overwritten (it must
// not alias x). Throws Error(kInternal) on mismatched shapes, devices or dtypes, or unless
// 0 < top_k ≤ E; Error(kUnsupported) when moe_experts_small_batch_supported() is false.
// Thread-safe for distinct outputs. On CUDA the call only enqueues work on the device's stream.
void moe_experts_small_batch(const Tensor& x, const Tensor& router_logits, int top_k,
                             const std::vector<MoeExpert>& experts, Tensor& out);

// Whether moe_experts_small_batch accepts these operands on x's device: float expert weights of one
// dtype (f32, f16, bf16; not quantised), tokens · top_k ≤ kMoeSmallBatchMaxPairs, and on CUDA
// E ≤ 256, top_k ≤ 8, hidden and I multiples of 8 and 16-byte aligned weights (its vector loads).
// Shapes are not checked here (the op checks them). Never throws; thread-safe. Callers fall back to the
// ops/moe.h path when false.
bool moe_experts_small_batch_supported(const Tensor& x, int top_k, const std::vector<MoeExpert>& experts);

}  // namespace lightvl::ops
