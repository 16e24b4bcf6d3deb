#include "text/backbone/moe_block.h"

#include "ops/activation.h"
#include "ops/device_memory.h"
#include "ops/linear.h"
#include "ops/moe.h"

namespace lightvl::text {

Tensor moe_block(const BackboneSpec& spec, const MoeWeights& w, const Tensor& x) {
  const int64_t tokens = x.dim(0);
  Tensor router_logits = ops::empty(x.dtype(), {tokens, spec.num_experts}, x.device());
  ops::linear(x, w.router, nullptr, router_logits);
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
