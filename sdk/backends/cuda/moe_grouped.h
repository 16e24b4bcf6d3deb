#pragma once
#include <vector>

#include "ops/moe_grouped.h"

namespace lightvl::cuda {
// CUDA implementation of ops::moe_experts_grouped (arguments checked there); activations f32 or bf16,
// expert weights of the activations' dtype. Enqueued on the context stream; waits once for the
// per-expert counts (a [E] i32 copy to the host). Limits (moe_experts_grouped_supported): E ≤ 256
// (the device routing), T·top_k < 2^31, weight dtype == activation dtype.
void moe_experts_grouped(const Tensor& x, const Tensor& router_logits, int top_k,
                         const std::vector<ops::MoeExpert>& experts, Tensor& out);
bool moe_experts_grouped_supported(const Tensor& x, int top_k, const std::vector<ops::MoeExpert>& experts);
}  // namespace lightvl::cuda
