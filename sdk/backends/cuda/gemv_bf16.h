// One-token bf16 GEMV of the CUDA linear layer (gemv_bf16.cu); linear.cu calls it for decode. Internal
// header of the CUDA backend (plain C++).
#pragma once

#include "core/tensor.h"

namespace lightvl::cuda {

// True when gemv_bf16() can compute out = x · wᵀ: x [1, K], w [N, K] and out [1, N] all bf16 on the GPU,
// K a multiple of 8, x and w 16-byte aligned. Never throws.
bool gemv_bf16_applies(const Tensor& x, const Tensor& w, const Tensor& out);

// out[0, n] = Σ_k x[0, k] · w[n, k] (f32 accumulation, one rounding to bf16). Asynchronous on the device
// stream. Call only when gemv_bf16_applies().
void gemv_bf16(const Tensor& x, const Tensor& w, Tensor& out);

}  // namespace lightvl::cuda
