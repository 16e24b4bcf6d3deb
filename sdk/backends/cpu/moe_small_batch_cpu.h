#pragma once
#include <vector>

#include "ops/moe_small_batch.h"

namespace lightvl::cpu {
// CPU kernel of ops::moe_experts_small_batch (arguments already checked there); f32 activations.
void moe_experts_small_batch(const Tensor& x, const Tensor& router_logits, int top_k,
                             const std::vector<ops::MoeExpert>& experts, Tensor& out);
}  // namespace lightvl::cpu
