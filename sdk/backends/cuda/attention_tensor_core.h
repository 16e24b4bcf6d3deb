// Internal interface between the two softmax-attention kernels of the CUDA backend (attention.cu picks
// one per call). Plain C++.
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace lightvl::cuda {

// One attention call's sizes (see ops::attention): rows ρ = t·group + (h mod group) per KV head g.
struct AttentionShape {
  int64_t tokens = 0, keys = 0, past = 0;
  // When set (CUDA-core kernel only): `past` is read from this device address when the kernel runs and
  // keys = past + tokens, capped at `keys`, which then holds the cache's capacity.
  const int64_t* past_at = nullptr;
  int q_heads = 0, kv_heads = 0, group = 0, head_dim = 0;
  bool causal = false;
  float scale = 1.0f;
};

// True when calls of this dtype and shape go to the tensor-core kernel (given aligned tensors): bf16,
// head_dim 64 or 128, and at least one full tile of 64 rows per KV head.
bool tensor_core_attention_fits(DType dtype, const AttentionShape& shape);
// tensor_core_attention_fits() and all four tensors 16-byte aligned.
bool tensor_core_attention_applies(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                                   const AttentionShape& shape);
// Runs it (asynchronous on the device stream). Call only when tensor_core_attention_applies().
void tensor_core_attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, const AttentionShape& shape);

}  // namespace lightvl::cuda
