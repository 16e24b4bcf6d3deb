#pragma once
#include "core/tensor.h"

namespace lightvl::cpu {
// CPU kernel of ops::linear (shapes already checked there).
void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out);
// CPU kernel of ops::linear for an int8 weight q [N, K] with f32 row scales [N]:
// out[t, n] = scales[n] · Σ_k x[t, k] · q[n, k] (+ bias[n]), f32 accumulation.
void linear_int8(const Tensor& x, const Tensor& q, const Tensor& scales, const Tensor* bias, Tensor& out);
}  // namespace lightvl::cpu
