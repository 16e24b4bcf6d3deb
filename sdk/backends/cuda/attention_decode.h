// Decode attention on tensor cores (attention_decode.cu): bf16 softmax attention of a few query rows per
// KV head (one or two new tokens of a GQA group) over a long key/value cache, split along the keys
// (flash-decoding). ops::attention and ops::cached_attention dispatch here for bf16 calls it serves
// (attention.cu). Plain C++ header.
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace lightvl::cuda {

// True when the decode kernel serves these sizes: bf16, head_dim 64 or 128, Hq a multiple of Hkv, and at
// most 16 (token, head) rows per KV head (tokens · Hq / Hkv ≤ 16). Alignment is checked by the callers'
// tensors (attention_decode_applies).
bool attention_decode_fits(DType dtype, int64_t tokens, int64_t q_heads, int64_t kv_heads, int64_t head_dim);
// attention_decode_fits() for these tensors, all dense and 16-byte aligned on the CUDA device.
bool attention_decode_applies(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out);

// How many key slices the decode kernel cuts `keys` keys into on a GPU with `multiprocessors` SMs: enough
// blocks (KV heads × slices) for about four per SM, each slice at least kMinKeys (256) keys; 1 for short
// caches. The grid depends only on these numbers, so a recorded graph (cached form) uses the capacity.
int attention_decode_splits(int64_t kv_heads, int64_t keys, int multiprocessors);

// out = causal softmax(scale · q kᵀ) v for queries t < T at positions past + t over keys [0, past + T)
// of k, v [S ≥ past + T, Hkv, d] (the ops::attention contract with causal = true). With `past_at` set
// (cached form) past is read from that device int64 when the kernel runs, the keys are min(past + T, S)
// and S is the cache's capacity. Asynchronous on the current stream; writes only `out` (and scratch).
// Call only when attention_decode_applies().
void attention_decode(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, const int64_t* past_at,
                      float scale, Tensor& out);

}  // namespace lightvl::cuda
