// The routed-expert FFN of a mixture-of-experts layer for many tokens at a time (prefill), in one op:
// routing, a token permutation that groups the (token, expert) pairs by expert, GEMMs over each expert's
// group of rows and the weighted un-permute.
//
// ops/moe.h splits MoE into routing on the host plus per-expert GEMMs: the routing round trip, the host
// grouping and one set of launches and uploads per expert. This op keeps the routing and the permutation
// on the device, gathers each expert's rows into one contiguous group and runs the products on the
// groups (CUDA: one small host synchronisation for the per-expert counts, which size the GEMMs). The backbone takes it on CUDA
// for batches of more than a few tokens (text/backbone/moe_block.cpp).
#pragma once

#include <vector>

#include "core/tensor.h"
#include "ops/moe_small_batch.h"  // MoeExpert

namespace lightvl::ops {

// out[t, :] = Σ_{j<k} weight_tj · down_e(silu(gate_e · x_t) ⊙ (up_e · x_t)), e = expert_tj, where the
// routing (expert_tj, weight_tj) is exactly ops::moe_route(router_logits, top_k): f32 softmax, top-k with
// ties to the lower expert index, weights renormalised by the sum of the chosen probabilities (spec §6).
// The k terms are added in rank order j = 0..k-1 in f32 and rounded once to out's dtype; the expert
// products accumulate in f32. On CUDA the gate, up, SwiGLU and down products are stored in the
// activation dtype between the GEMMs (as in the ops/moe.h path), so bf16 rounds them.
// x: [T, hidden] activations (f32 on the CPU; f32 or bf16 on CUDA); router_logits: [T, E] on x's device
// (an activation dtype); experts: E entries, every weight on x's device, all of one float dtype and one
// intermediate size I (on CUDA the weight dtype must equal x's dtype); out: [T, hidden] like x,
// preallocated, overwritten (it must not alias x). Throws Error(kInternal) on mismatched shapes, devices
// or dtypes, or unless 0 < top_k ≤ E; Error(kUnsupported) when moe_experts_grouped_supported() is false.
// Thread-safe for distinct outputs. On CUDA the call enqueues work on the device's stream and waits once
// for the per-expert token counts (a few bytes) before it enqueues the GEMMs.
void moe_experts_grouped(const Tensor& x, const Tensor& router_logits, int top_k,
                         const std::vector<MoeExpert>& experts, Tensor& out);

// Whether moe_experts_grouped accepts these operands on x's device: float expert weights of one dtype
// (not quantised); on the CPU f32 activations; on CUDA weights of x's dtype (f32 or bf16, the GEMMs take
// one dtype), E ≤ 256 and T·top_k < 2^31. Shapes are not checked here (the op checks them). Never
// throws; thread-safe.
bool moe_experts_grouped_supported(const Tensor& x, int top_k, const std::vector<MoeExpert>& experts);

}  // namespace lightvl::ops
