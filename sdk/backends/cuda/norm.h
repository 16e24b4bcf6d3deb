#pragma once
#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernels of ops::rms_norm and ops::layer_norm (shapes checked there): x and out f32 or bf16 (the
// same; out may alias x), weight and bias any float type. Asynchronous on the device stream.
void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out);
void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out);
}  // namespace lightvl::cuda
