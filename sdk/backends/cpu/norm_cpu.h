#pragma once
#include "core/tensor.h"

namespace lightvl::cpu {
// CPU kernels of ops::rms_norm and ops::layer_norm (shapes already checked there).
void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out);
void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out);
}  // namespace lightvl::cpu
