// Linear layer (matrix product with a transposed weight): out = x · wᵀ (+ bias), with float weights or
// weight-only int8 weights (one f32 scale per output row; ops/quantize.h makes them).
#pragma once

#include <utility>

#include "core/tensor.h"

namespace lightvl::ops {

// A linear layer's weight [N, K] (out_features × in_features, the PyTorch layout) as a model holds it:
// either a float matrix (f32/f16/bf16; `scales` empty), or an int8 matrix q with `scales` [N] f32,
// standing for w[n, k] = scales[n] · q[n, k]. It is a Tensor (the matrix) so that code which only knows
// float weights keeps reading dtype() and shape() as before; passing it where a plain Tensor is expected
// drops the scales, which the float-only ops then refuse by dtype (i8), never silently misread.
// A value type: copies share memory like Tensor copies do.
struct LinearWeight : Tensor {
  LinearWeight() = default;
  // A float weight (implicit, so checkpoint tensors and random weights convert as they are).
  LinearWeight(Tensor weight) : Tensor(std::move(weight)) {}  // NOLINT(google-explicit-constructor)
  // An int8 weight and its per-row scales.
  LinearWeight(Tensor q, Tensor row_scales) : Tensor(std::move(q)), scales(std::move(row_scales)) {}

  bool quantized() const { return dtype() == DType::kI8; }
  // Bytes held: the matrix plus the scales.
  size_t held_bytes() const { return nbytes() + (scales.defined() ? scales.nbytes() : 0); }

  Tensor scales;  // [N] f32 when quantized(); empty otherwise
};

// out[T, N] = x[T, K] · w[N, K]ᵀ + bias[N].
// x and out: f32 on the same device, `out` preallocated (it must not alias x). w: f32, f16 or bf16
// ([out_features, in_features], the PyTorch layout); bias: optional (nullptr), any float type, [N].
// Throws Error(kInternal) on shape mismatch, Error(kUnsupported) for other weight dtypes or devices.
// Thread-safe for distinct outputs; the CPU backend parallelises internally (OpenBLAS + OpenMP).
void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out);

// The same for a LinearWeight: float weights as above; int8 weights compute
// out[t, n] = scales[n] · Σ_k x[t, k] · q[n, k] (+ bias[n]) with f32 accumulation (the CUDA prefill path
// rounds scales[n]·q[n, k] to the activation dtype first: see backends/cuda/linear_int8.cu). The scales
// must be f32 [N] on x's device. Same errors and thread safety as above.
void linear(const Tensor& x, const LinearWeight& w, const Tensor* bias, Tensor& out);

}  // namespace lightvl::ops
