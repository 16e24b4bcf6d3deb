#pragma once
#include <vector>

#include "ops/moe_small_batch.h"

namespace lightvl::cuda {
// CUDA kernels of ops::moe_experts_small_batch (arguments checked there); activations f32 or bf16,
// expert weights f32, f16 or bf16. Asynchronous: routing, expert products and the combination are
// enqueued on the context stream with no host synchronisation and no host-to-device copies.
// Limits (moe_experts_small_batch_supported): E ≤ kMaxSmallBatchExperts, top_k ≤ kMaxSmallBatchTopK,
// hidden and I multiples of 8, every weight 16-byte aligned.
constexpr int kMaxSmallBatchExperts = 256;
constexpr int kMaxSmallBatchTopK = 8;
void moe_experts_small_batch(const Tensor& x, const Tensor& router_logits, int top_k,
                             const std::vector<ops::MoeExpert>& experts, Tensor& out);
bool moe_experts_small_batch_supported(const Tensor& x, int top_k, const std::vector<ops::MoeExpert>& experts);
}  // namespace lightvl::cuda
