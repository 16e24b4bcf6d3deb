// CPU small-batch MoE: the readable reference of ops::moe_experts_small_batch.
//
// Routing by cpu::moe_route (the same function ops::moe_route uses), then for each token and each of
// its k slots in rank order: gate and up products of the token's row (cpu::linear, f32 accumulation,
// float weights widened to f32), SwiGLU, the down product, and out[t] += weight · y in f32, starting from
// zero. The sum over slots is in rank order; for k ≤ 2 that gives the same f32 result as the per-expert
// composition of ops/moe.h (which adds in expert-index order), since a + b = b + a exactly.
#include "backends/cpu/moe_small_batch_cpu.h"

#include <algorithm>

#include "backends/cpu/activation_cpu.h"
#include "backends/cpu/linear_cpu.h"
#include "backends/cpu/moe_cpu.h"

namespace lightvl::cpu {

void moe_experts_small_batch(const Tensor& x, const Tensor& router_logits, int top_k,
                             const std::vector<ops::MoeExpert>& experts, Tensor& out) {
  const ops::Routing routing = moe_route(router_logits, top_k);
  const int64_t tokens = x.dim(0), hidden = x.dim(1), inter = experts[0].gate->dim(0);
  Tensor gate = Tensor::zeros(DType::kF32, {1, inter});
  Tensor up = Tensor::zeros(DType::kF32, {1, inter});
  Tensor y = Tensor::zeros(DType::kF32, {1, hidden});
  for (int64_t t = 0; t < tokens; ++t) {
    const Tensor row = x.slice_rows(t, t + 1);
    float* acc = out.data<float>() + t * hidden;
    std::fill(acc, acc + hidden, 0.0f);
    for (int j = 0; j < top_k; ++j) {
      const size_t slot = size_t(t * top_k + j);
      const ops::MoeExpert& e = experts[size_t(routing.expert_ids[slot])];
      linear(row, *e.gate, nullptr, gate);
      linear(row, *e.up, nullptr, up);
      swiglu(gate, up, gate);
      linear(gate, *e.down, nullptr, y);
      const float w = routing.weights[slot];
      for (int64_t c = 0; c < hidden; ++c) acc[c] += w * y.data<float>()[c];
    }
  }
}

}  // namespace lightvl::cpu
