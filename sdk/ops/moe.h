// Mixture-of-experts plumbing: top-k routing and the token permutation around the expert products.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::ops {

// Routing of T tokens over E experts: ids[t·k + j] is token t's j-th expert (descending probability,
// ties to the lower expert index), weights[t·k + j] its renormalised weight (the top-k softmax
// probabilities divided by their sum; spec §6). router_logits: [T, E] f32. Probabilities are f32.
struct Routing {
  int top_k = 0;
  std::vector<int32_t> expert_ids;
  std::vector<float> weights;
};
// Throws Error(kInternal) unless 0 < top_k ≤ E.
Routing moe_route(const Tensor& router_logits, int top_k);

// out[i, :] = x[rows[i], :]. x, out: [*, C] f32; out has rows.size() rows. Throws on bad indices.
void gather_rows(const Tensor& x, const std::vector<int32_t>& rows, Tensor& out);
// acc[rows[i], :] += scales[i] · y[i, :]. acc: [T, C], y: [rows.size(), C] f32.
void scatter_add_rows(const Tensor& y, const std::vector<int32_t>& rows, const std::vector<float>& scales,
                      Tensor& acc);

}  // namespace lightvl::ops
