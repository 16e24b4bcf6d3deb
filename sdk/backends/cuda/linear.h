#pragma once
#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::linear (shapes checked there): out = x·wᵀ (+ bias); x and out f32 or bf16 (the
// same), w f32/f16/bf16 [N, K], bias any float type [N]. Asynchronous on the device stream.
void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out);
// The int8 weight-only variant (backends/cuda/linear_int8.cu): q i8 [N, K], scales f32 [N]; otherwise as
// above. Asynchronous on the device stream.
void linear_int8(const Tensor& x, const Tensor& q, const Tensor& scales, const Tensor* bias, Tensor& out);
// out[r, c] += bias[c] for out [rows, cols] (f32 or bf16) and a float bias [cols]: one f32 add, one
// rounding to out's dtype. Shared by both linear files.
void add_bias(Tensor& out, const Tensor& bias);
}  // namespace lightvl::cuda
