// Row-major (batched) matrix products on cuBLAS, for the linear layer and lightning attention.
// Internal header of the CUDA backend (plain C++).
#pragma once

#include <cstdint>

#include "core/dtype.h"

namespace lightvl::cuda {

// One operand of gemm(): a row-major matrix at `data` with row stride `ld` elements; batch b starts at
// data + b·batch_stride elements. `transposed` means the product uses the stored matrix's transpose.
struct GemmOperand {
  const void* data = nullptr;
  DType dtype = DType::kF32;
  int64_t ld = 0;
  int64_t batch_stride = 0;
  bool transposed = false;
};

// C[b] = alpha·op(A[b])·op(B[b]) + beta·C[b] for b < batch, all row-major: op(A) is m×k, op(B) is k×n,
// C is m×n with row stride ldc. Accumulates in f32 (CUBLAS_COMPUTE_32F: f32 inputs stay f32, no TF32).
// Supported dtypes (A and B alike): f32 → C f32; bf16 or f16 → C of the same type or f32.
// Enqueued on the current device's stream. Throws Error on a cuBLAS failure or a dimension over 2^31.
void gemm(int64_t m, int64_t n, int64_t k, float alpha, const GemmOperand& a, const GemmOperand& b, float beta,
          void* c, DType c_dtype, int64_t ldc, int64_t c_batch_stride = 0, int64_t batch = 1);

}  // namespace lightvl::cuda
