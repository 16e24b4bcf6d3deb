#pragma once
#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::linear (shapes checked there): out = x·wᵀ (+ bias); x and out f32 or bf16 (the
// same), w f32/f16/bf16 [N, K], bias any float type [N]. Asynchronous on the device stream.
void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out);
}  // namespace lightvl::cuda
