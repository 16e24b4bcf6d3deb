// One attention parity case for the CUDA attention kernels (tests/gpu/test_attention*_parity.cpp): its
// shape, its seeded inputs in the dtype under test, and the CPU's f32 answer (the reference).
#pragma once

#include <cmath>
#include <ostream>

#include "core/tensor.h"
#include "gpu_test_util.h"
#include "ops/attention.h"

namespace lightvl::test {

struct AttentionCase {
  const char* name;
  int64_t tokens, past, keys;  // queries, their first absolute position, keys in the cache
  bool causal;
  int64_t q_heads, kv_heads, head_dim;
};

inline void PrintTo(const AttentionCase& c, std::ostream* os) { *os << c.name; }

// q [tokens, q_heads, d], k and v [keys, kv_heads, d] on the host, exactly representable in `dtype`
// (fixed seeds), the scale 1/√d, and `want`: the CPU's f32 ops::attention on those numbers.
struct AttentionInputs {
  Tensor q, k, v, want;
  float scale = 0.0f;
};

inline AttentionInputs attention_inputs(const AttentionCase& c, DType dtype) {
  AttentionInputs in;
  in.q = random_values({c.tokens, c.q_heads, c.head_dim}, 21, 2.0f, dtype);
  in.k = random_values({c.keys, c.kv_heads, c.head_dim}, 22, 1.0f, dtype);
  in.v = random_values({c.keys, c.kv_heads, c.head_dim}, 23, 1.0f, dtype);
  in.scale = 1.0f / std::sqrt(float(c.head_dim));
  in.want = Tensor::zeros(DType::kF32, in.q.shape());
  ops::attention(in.q, in.k, in.v, c.past, c.causal, in.scale, in.want);
  return in;
}

}  // namespace lightvl::test
