#include "text/backbone/moe_block.h"

#include "ops/activation.h"
#include "ops/linear.h"
#include "ops/moe.h"

namespace lightvl::text {

Tensor moe_block(const BackboneSpec& spec, const MoeWeights& w, const Tensor& x) {
  const int64_t tokens = x.dim(0);
  Tensor router_logits = Tensor::zeros(DType::kF32, {tokens, spec.num_experts});
  ops::linear(x, w.router, nullptr, router_logits);
  const ops::Routing routing = ops::moe_route(router_logits, int(spec.experts_per_token));

  Tensor out = Tensor::zeros(DType::kF32, {tokens, spec.hidden_size});
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
    Tensor xs = Tensor::zeros(DType::kF32, {n, spec.hidden_size});
    ops::gather_rows(x, rows, xs);
    Tensor gate = Tensor::zeros(DType::kF32, {n, spec.intermediate_size});
    Tensor up = Tensor::zeros(DType::kF32, {n, spec.intermediate_size});
    ops::linear(xs, expert.w1, nullptr, gate);
    ops::linear(xs, expert.w3, nullptr, up);
    ops::swiglu(gate, up, gate);
    Tensor y = Tensor::zeros(DType::kF32, {n, spec.hidden_size});
    ops::linear(gate, expert.w2, nullptr, y);
    ops::scatter_add_rows(y, rows, scales, out);
  }
  return out;
}

}  // namespace lightvl::text
