// CPU softmax attention: one (query token, head) pair per OpenMP iteration, scores materialised for
// that row only (O(S) scratch per thread), f32 softmax with max subtraction, then a weighted sum of v.
// Simple and exact rather than fast: long-context speed is the CUDA backend's job.
#include "backends/cpu/attention_cpu.h"
#include "backends/cpu/parallel.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace lightvl::cpu {

void attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
               Tensor& out) {
  const int64_t tokens = q.dim(0), q_heads = q.dim(1), d = q.dim(2);
  const int64_t keys = k.dim(0), kv_heads = k.dim(1), group = q_heads / kv_heads;
  const float* qs = q.data<float>();
  const float* ks = k.data<float>();
  const float* vs = v.data<float>();
  float* os = out.data<float>();
#pragma omp parallel if(worth_parallel(tokens * q_heads * keys * d))
  {
    std::vector<float> scores(static_cast<size_t>(keys));
#pragma omp for collapse(2) schedule(static)
    for (int64_t t = 0; t < tokens; ++t) {
      for (int64_t h = 0; h < q_heads; ++h) {
        const int64_t g = h / group;
        const int64_t visible = causal ? past + t + 1 : keys;
        const float* qv = qs + (t * q_heads + h) * d;
        float max_score = -INFINITY;
        for (int64_t s = 0; s < visible; ++s) {
          const float* kv = ks + (s * kv_heads + g) * d;
          float dot = 0.0f;
          for (int64_t c = 0; c < d; ++c) dot += qv[c] * kv[c];
          scores[size_t(s)] = dot * scale;
          max_score = std::max(max_score, scores[size_t(s)]);
        }
        double total = 0.0;
        for (int64_t s = 0; s < visible; ++s) {
          scores[size_t(s)] = std::exp(scores[size_t(s)] - max_score);
          total += scores[size_t(s)];
        }
        const float inv_total = float(1.0 / total);
        float* ov = os + (t * q_heads + h) * d;
        std::fill(ov, ov + d, 0.0f);
        for (int64_t s = 0; s < visible; ++s) {
          const float w = scores[size_t(s)] * inv_total;
          const float* vv = vs + (s * kv_heads + g) * d;
          for (int64_t c = 0; c < d; ++c) ov[c] += w * vv[c];
        }
      }
    }
  }
}

}  // namespace lightvl::cpu
