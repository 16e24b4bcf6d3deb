#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::attention (arguments checked there): q, k, v, out all f32 or all bf16.
// Asynchronous on the device stream. Limits: head_dim ≤ kMaxAttentionHeadDim.
constexpr int kMaxAttentionHeadDim = 256;
void attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
               Tensor& out);

// How many slices the key sequence is split into for a call with these sizes (1: no split; more when the
// (query, head) tiles alone cannot fill the GPU, as in decode over a long cache). Exposed for tests.
int attention_key_splits(int64_t tokens, int64_t q_heads, int64_t kv_heads, int64_t keys, int multiprocessors);
}  // namespace lightvl::cuda
