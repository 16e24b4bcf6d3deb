#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::lightning_attention (arguments checked there): q, k, v, out f32 or bf16 (all the
// same), state f32 [H, d, d] updated in place. Asynchronous on the device stream.
// Calls of at most kLightningRecurrentTokens tokens (decode) run the fused recurrent step kernel.
// Longer bf16 calls with head_dim 64 or 128 and 16-byte aligned tensors run the tensor-core chunked
// kernels (lightning_tensor_core.h), which pick their own chunk length: block_size is ignored there.
// Every other call runs the exact f32 chunked form with blocks of block_size tokens.
// Limits: head_dim ≤ 256, heads ≤ 256.
constexpr int64_t kLightningRecurrentTokens = 8;
constexpr int kMaxLightningHeadDim = 256;
constexpr int kMaxLightningHeads = 256;

// The heads' decay rates r_h, passed to the kernels by value (1 KB of kernel parameters) so that a call
// needs no host-to-device copy. Entries past the head count are unused.
struct LightningRates {
  float r[kMaxLightningHeads];
};

void lightning_attention(const Tensor& q, const Tensor& k, const Tensor& v, const std::vector<float>& decay_rates,
                         int block_size, Tensor& state, Tensor& out);
}  // namespace lightvl::cuda
