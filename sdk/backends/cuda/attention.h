#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::attention (arguments checked there): q, k, v, out all f32 or all bf16.
// Asynchronous on the device stream. Limits: head_dim ≤ kMaxAttentionHeadDim.
constexpr int kMaxAttentionHeadDim = 256;
void attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
               Tensor& out);

// ops::cached_attention (arguments checked there): causal, past read from the device tensor `past`
// (int64 [1]), k and v the whole cache [capacity, Hkv, d]; the decode kernel (bf16) or the CUDA-core one,
// either with a split count fixed by the capacity so that a recorded graph can replay it at any fill
// level. Asynchronous.
void cached_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& past, float scale,
                      Tensor& out);

// ops::attention_sequences in one launch of the flash kernel (arguments checked there; sequences divides
// the rows): call only when attention_sequences_in_one_launch() says so. Asynchronous on the device stream.
void attention_sequences(const Tensor& q, const Tensor& k, const Tensor& v, int64_t sequences, float scale, Tensor& out);
// True when attention_sequences() can serve these operands: the flash kernel's dtypes, head dims and
// alignment, at least one full query tile per sequence, at most 65535 sequences. Never throws.
bool attention_sequences_in_one_launch(const Tensor& q, const Tensor& k, const Tensor& v, int64_t sequences,
                                       const Tensor& out);

// True when calls of this dtype and shape run on tensor cores (bf16 prefill, head_dim 64 or 128, ≥ 64
// (token, head) rows per KV head); the others use the CUDA-core kernel. Exposed for tests and benchmarks.
bool attention_uses_tensor_cores(DType dtype, int64_t tokens, int64_t q_heads, int64_t kv_heads, int64_t head_dim);

// How many slices the CUDA-core kernel splits the key sequence into for a call with these sizes (1: no
// split; more when the (query, head) tiles alone cannot fill the GPU, as in decode over a long cache).
int attention_key_splits(int64_t tokens, int64_t q_heads, int64_t kv_heads, int64_t keys, int multiprocessors);
}  // namespace lightvl::cuda
