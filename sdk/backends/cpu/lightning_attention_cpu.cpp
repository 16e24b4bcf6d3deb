// CPU lightning attention, block-parallel form (spec §3.4), all in f32.
//
// Per head with decay λ and incoming state S [d, d], a block of m tokens (local index j) computes
//   inter:  O_j  = λ^(j+1) · q_j S                       (the past, decayed to token j)
//   intra:  O_j += Σ_{i≤j} λ^(j−i) (q_j·k_i) v_i          (causal, decayed attention inside the block)
//   state:  S    = λ^m S + Σ_i λ^(m−1−i) k_iᵀ v_i
// which equals the token recurrence S ← λS + kᵀv, o = qS exactly in real arithmetic for any block size.
// The three products per block are sgemm calls on strided views of the [T, H, d] tensors (row stride
// H·d), so no per-head copies of q, k or v are made. Heads run one after another; OpenBLAS threads the
// products. Decay powers are exp(−r·n) in f32, as the reference builds its decay tables.
// Limits: memory is O(block² + block·d) scratch per call; the state stays f32 throughout.
#include "backends/cpu/lightning_attention_cpu.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>

namespace lightvl::cpu {
namespace {

struct HeadView {
  const float* q;
  const float* k;
  const float* v;
  float* out;
  float* state;
  int64_t row_stride;  // H·d: distance between consecutive tokens of one head
  int64_t d;
};

void run_block(const HeadView& h, int64_t start, int64_t m, float rate, float* scores, float* decayed_k) {
  const int ld = int(h.row_stride), d = int(h.d), mi = int(m);
  const float* q = h.q + start * h.row_stride;
  const float* k = h.k + start * h.row_stride;
  const float* v = h.v + start * h.row_stride;
  float* out = h.out + start * h.row_stride;

  // inter: O = Q·S, then row j scaled by λ^(j+1).
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, mi, d, d, 1.0f, q, ld, h.state, d, 0.0f, out, ld);
  for (int64_t j = 0; j < m; ++j) {
    const float decay = std::exp(-rate * float(j + 1));
    for (int64_t c = 0; c < h.d; ++c) out[j * h.row_stride + c] *= decay;
  }
  // intra: A = (Q·Kᵀ) ⊙ D with D[j, i] = λ^(j−i) for i ≤ j, else 0; O += A·V.
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, mi, mi, d, 1.0f, q, ld, k, ld, 0.0f, scores, mi);
  for (int64_t j = 0; j < m; ++j) {
    for (int64_t i = 0; i < m; ++i) {
      scores[j * m + i] = i <= j ? scores[j * m + i] * std::exp(-rate * float(j - i)) : 0.0f;
    }
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, mi, d, mi, 1.0f, scores, mi, v, ld, 1.0f, out, ld);
  // state: S = λ^m S + (K ⊙ λ^(m−1−i))ᵀ·V.
  for (int64_t i = 0; i < m; ++i) {
    const float decay = std::exp(-rate * float(m - 1 - i));
    for (int64_t c = 0; c < h.d; ++c) decayed_k[i * h.d + c] = k[i * h.row_stride + c] * decay;
  }
  const float block_decay = std::exp(-rate * float(m));
  for (int64_t e = 0; e < h.d * h.d; ++e) h.state[e] *= block_decay;
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d, d, mi, 1.0f, decayed_k, d, v, ld, 1.0f, h.state, d);
}

}  // namespace

void lightning_attention(const Tensor& q, const Tensor& k, const Tensor& v, const std::vector<float>& decay_rates,
                         int block_size, Tensor& state, Tensor& out) {
  const int64_t tokens = q.dim(0), heads = q.dim(1), d = q.dim(2);
  const int64_t block = std::min<int64_t>(block_size, std::max<int64_t>(tokens, 1));
  std::vector<float> scores(size_t(block * block)), decayed_k(size_t(block * d));
  for (int64_t h = 0; h < heads; ++h) {
    const HeadView view{q.data<float>() + h * d, k.data<float>() + h * d, v.data<float>() + h * d,
                        out.data<float>() + h * d, state.data<float>() + h * d * d, heads * d, d};
    for (int64_t start = 0; start < tokens; start += block) {
      run_block(view, start, std::min(block, tokens - start), decay_rates[size_t(h)], scores.data(),
                decayed_k.data());
    }
  }
}

}  // namespace lightvl::cpu
