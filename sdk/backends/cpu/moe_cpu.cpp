// CPU MoE routing and row permutation.
// Routing: f32 softmax over all experts (max-subtracted), a stable selection of the k largest
// probabilities (equal probabilities keep the lower expert index first, like torch.topk on CUDA),
// then division by their sum. Row gather/scatter are plain copies; scatter runs serially so the
// accumulation order per token is the caller's loop order (experts in index order, spec §6).
#include "backends/cpu/moe_cpu.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace lightvl::cpu {

ops::Routing moe_route(const Tensor& router_logits, int top_k) {
  const int64_t tokens = router_logits.dim(0), experts = router_logits.dim(1);
  ops::Routing routing;
  routing.top_k = top_k;
  routing.expert_ids.resize(size_t(tokens * top_k));
  routing.weights.resize(size_t(tokens * top_k));
  std::vector<float> probs(static_cast<size_t>(experts));
  std::vector<int32_t> order(static_cast<size_t>(experts));
  for (int64_t t = 0; t < tokens; ++t) {
    const float* z = router_logits.data<float>() + t * experts;
    const float max_z = *std::max_element(z, z + experts);
    float total = 0.0f;
    for (int64_t e = 0; e < experts; ++e) total += (probs[size_t(e)] = std::exp(z[e] - max_z));
    for (float& p : probs) p /= total;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int32_t a, int32_t b) { return probs[size_t(a)] > probs[size_t(b)]; });
    float chosen = 0.0f;
    for (int j = 0; j < top_k; ++j) chosen += probs[size_t(order[size_t(j)])];
    for (int j = 0; j < top_k; ++j) {
      routing.expert_ids[size_t(t * top_k + j)] = order[size_t(j)];
      routing.weights[size_t(t * top_k + j)] = probs[size_t(order[size_t(j)])] / chosen;
    }
  }
  return routing;
}

void gather_rows(const Tensor& x, const std::vector<int32_t>& rows, Tensor& out) {
  const int64_t cols = x.dim(1);
  for (size_t i = 0; i < rows.size(); ++i) {
    std::memcpy(out.data<float>() + int64_t(i) * cols, x.data<float>() + int64_t(rows[i]) * cols,
                size_t(cols) * sizeof(float));
  }
}

void scatter_add_rows(const Tensor& y, const std::vector<int32_t>& rows, const std::vector<float>& scales,
                      Tensor& acc) {
  const int64_t cols = y.dim(1);
  for (size_t i = 0; i < rows.size(); ++i) {
    const float* src = y.data<float>() + int64_t(i) * cols;
    float* dst = acc.data<float>() + int64_t(rows[i]) * cols;
    for (int64_t c = 0; c < cols; ++c) dst[c] += scales[i] * src[c];
  }
}

}  // namespace lightvl::cpu
