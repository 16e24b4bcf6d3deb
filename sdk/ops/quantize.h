// Weight-only int8 quantisation of linear weights (symmetric, one scale per output row), done once on
// the host when a model is loaded with int8 weights.
//
// For a weight w [N, K]: scale_n = max_k |w[n, k]| / 127 (in f32) and q[n, k] = round(w[n, k] / scale_n)
// with round-to-nearest-even, clamped to [-127, 127] (-128 is never used, so the range is symmetric).
// An all-zero row has scale 0 and q = 0 (it dequantises to zeros exactly). Per element the error is
// |w − scale·q| ≤ scale/2 (plus f32 rounding), i.e. at most 1/254 of the row's largest magnitude.
#pragma once

#include "core/tensor.h"
#include "ops/linear.h"

namespace lightvl::ops {

// The int8 form of the host float weight `w` (f32, f16 or bf16, rank 2) in new host memory; the matrix
// keeps w's name, the scales are named "<name>.scales". Computes in f32, rows in parallel (OpenMP).
// Throws Error(kUnsupported) for another dtype or rank, Error(kInternal) for a device tensor, and
// Error(kBadModel) naming the tensor and row when a row holds a non-finite value.
LinearWeight quantize_int8(const Tensor& w);

// The f32 weight an int8 LinearWeight stands for: scales[n] · q[n, k] (host, new memory). For tests and
// tools. Throws Error(kInternal) unless `w` is an int8 LinearWeight on the host.
Tensor dequantize_int8(const LinearWeight& w);

}  // namespace lightvl::ops
