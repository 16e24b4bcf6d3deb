// CPU softmax attention, in two forms chosen by size:
//  - blocked (the common case): for each query head, in blocks of queries, the score block
//    S = scale · Q_blk Kᵀ is one sgemm (strided views of the [T, H, d] tensors, no copies), masked
//    (causal), softmaxed row by row in f32 with max subtraction, and O_blk = P V is a second sgemm.
//    Scratch is kQueryBlock × S floats, so a long KV cache is fine.
//  - per row (tiny shapes, e.g. one decode step of a tiny model): one (query, head) pair per OpenMP
//    iteration with a dot-product loop; BLAS call overhead would dominate there.
// Exact rather than fast by design elsewhere; long-context speed is the CUDA backend's job.
#include "backends/cpu/attention_cpu.h"
#include "backends/cpu/parallel.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace lightvl::cpu {
namespace {

constexpr int64_t kQueryBlock = 64;

// Softmax of `row[0, visible)` in place (f32, max-subtracted); entries past `visible` are set to 0.
void softmax_row(float* row, int64_t visible, int64_t total) {
  float max_score = -INFINITY;
  for (int64_t s = 0; s < visible; ++s) max_score = std::max(max_score, row[s]);
  double sum = 0.0;
  for (int64_t s = 0; s < visible; ++s) sum += (row[s] = std::exp(row[s] - max_score));
  const float inv = float(1.0 / sum);
  for (int64_t s = 0; s < visible; ++s) row[s] *= inv;
  std::fill(row + visible, row + total, 0.0f);
}

void attention_blocked(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
                       Tensor& out) {
  const int64_t tokens = q.dim(0), q_heads = q.dim(1), d = q.dim(2);
  const int64_t keys = k.dim(0), kv_heads = k.dim(1), group = q_heads / kv_heads;
  const int q_ld = int(q_heads * d), kv_ld = int(kv_heads * d);
  std::vector<float> scores(size_t(kQueryBlock * keys));
  for (int64_t h = 0; h < q_heads; ++h) {
    const float* kh = k.data<float>() + (h / group) * d;
    const float* vh = v.data<float>() + (h / group) * d;
    for (int64_t t0 = 0; t0 < tokens; t0 += kQueryBlock) {
      const int64_t rows = std::min(kQueryBlock, tokens - t0);
      // Keys beyond the last query's causal horizon are never visible: leave them out of the products.
      const int64_t span = causal ? std::min(keys, past + t0 + rows) : keys;
      const float* qh = q.data<float>() + t0 * q_heads * d + h * d;
      float* oh = out.data<float>() + t0 * q_heads * d + h * d;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(rows), int(span), int(d), scale, qh, q_ld, kh, kv_ld,
                  0.0f, scores.data(), int(span));
      for (int64_t r = 0; r < rows; ++r) {
        softmax_row(scores.data() + r * span, causal ? past + t0 + r + 1 : span, span);
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rows), int(d), int(span), 1.0f, scores.data(),
                  int(span), vh, kv_ld, 0.0f, oh, q_ld);
    }
  }
}

void attention_per_row(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
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
        for (int64_t s = 0; s < visible; ++s) {
          const float* kv = ks + (s * kv_heads + g) * d;
          float dot = 0.0f;
          for (int64_t c = 0; c < d; ++c) dot += qv[c] * kv[c];
          scores[size_t(s)] = dot * scale;
        }
        softmax_row(scores.data(), visible, visible);
        float* ov = os + (t * q_heads + h) * d;
        std::fill(ov, ov + d, 0.0f);
        for (int64_t s = 0; s < visible; ++s) {
          const float* vv = vs + (s * kv_heads + g) * d;
          for (int64_t c = 0; c < d; ++c) ov[c] += scores[size_t(s)] * vv[c];
        }
      }
    }
  }
}

}  // namespace

void attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
               Tensor& out) {
  // One query row against a few keys is cheaper as plain loops than as two BLAS calls per head.
  const bool tiny = q.dim(0) * k.dim(0) * q.dim(2) < (int64_t(1) << 14);
  if (tiny) return attention_per_row(q, k, v, past, causal, scale, out);
  attention_blocked(q, k, v, past, causal, scale, out);
}

}  // namespace lightvl::cpu
