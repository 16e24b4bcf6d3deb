// Linear layer (matrix product with a transposed weight): out = x · wᵀ (+ bias).
#pragma once

#include "core/tensor.h"

namespace lightvl::ops {

// out[T, N] = x[T, K] · w[N, K]ᵀ + bias[N].
// x and out: f32 on the same device, `out` preallocated (it must not alias x). w: f32, f16 or bf16
// ([out_features, in_features], the PyTorch layout); bias: optional (nullptr), any float type, [N].
// Throws Error(kInternal) on shape mismatch, Error(kUnsupported) for other weight dtypes or devices.
// Thread-safe for distinct outputs; the CPU backend parallelises internally (OpenBLAS + OpenMP).
void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out);

}  // namespace lightvl::ops
