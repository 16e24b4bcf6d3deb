// bf16 chunked prefill of lightning attention on tensor cores (lightning_tensor_core.cu); the dispatch in
// lightning_attention.cu sends long bf16 calls here. Internal header of the CUDA backend (plain C++).
#pragma once

#include <cstdint>

#include "backends/cuda/lightning_attention.h"
#include "core/tensor.h"

namespace lightvl::cuda {

// Tokens per chunk: one tensor-core tile of queries and keys (independent of the op's block_size).
constexpr int64_t kLightningChunk = 64;
// A call is processed in segments of this many tokens (a multiple of kLightningChunk), one after
// another, so that the scratch of per-chunk bf16 states stays bounded: ⌈min(T, segment) / 64⌉ · H · d²
// bf16, 256 MiB at 64 heads × 128 whatever T is.
constexpr int64_t kLightningSegmentTokens = 8192;
static_assert(kLightningSegmentTokens % kLightningChunk == 0, "segments are whole chunks");

// True when lightning_tensor_core() can run these tensors: q, k, v, out bf16 on the CUDA device, shape
// [T, H, d] with d 64 or 128, each 16-byte aligned; state f32 [H, d, d] 8-byte aligned. Does not look at
// T (the caller keeps decode-sized calls on the recurrent kernel). Thread-safe (reads metadata only).
bool lightning_tensor_core_applies(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& state,
                                   const Tensor& out);

// The op (see ops::lightning_attention) on tensor cores: writes out [T, H, d] bf16 and replaces `state`
// by the final f32 state; rates.r[h] is head h's decay rate. Allocates the segment's scratch from the
// device's caching allocator (memory.h). Asynchronous on the current device stream. Call only when
// lightning_tensor_core_applies(); T ≥ 1.
void lightning_tensor_core(const Tensor& q, const Tensor& k, const Tensor& v, const LightningRates& rates,
                           Tensor& state, Tensor& out);

}  // namespace lightvl::cuda
