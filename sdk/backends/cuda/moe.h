#pragma once
#include <cstdint>
#include <vector>

#include "ops/moe.h"

namespace lightvl::cuda {
// CUDA kernels of the ops in ops/moe.h (arguments checked there); activations f32 or bf16.
// moe_route waits for the device (its result is host vectors); the row ops are asynchronous.
// Limits: moe_route handles at most kMaxRouteExperts experts.
constexpr int kMaxRouteExperts = 256;
ops::Routing moe_route(const Tensor& router_logits, int top_k);
// The routing of moe_route left on the device, asynchronous: ids [T·k] i32 and weights [T·k] f32 are
// device tensors the caller allocated. Used by the fused small-batch MoE (moe_small_batch.h).
void moe_route_on_device(const Tensor& router_logits, int top_k, Tensor& ids, Tensor& weights);
void gather_rows(const Tensor& x, const std::vector<int32_t>& rows, Tensor& out);
void scatter_add_rows(const Tensor& y, const std::vector<int32_t>& rows, const std::vector<float>& scales,
                      Tensor& acc);
}  // namespace lightvl::cuda
