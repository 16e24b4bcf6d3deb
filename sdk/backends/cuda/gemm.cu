// Row-major GEMM on cuBLAS (column-major) without copies.
//
// A row-major m×n matrix with row stride ld is, read column-major, its transpose with leading dimension
// ld. So C = op(A)·op(B) in row-major is Cᵀ = op(B)ᵀ·op(A)ᵀ in column-major: cuBLAS is called with the
// operands swapped (B first), the dimensions swapped (n, m, k), and each operand's own transpose flag.
// Limits: every dimension and leading dimension must fit in int (cuBLAS's 32-bit API).
#include "backends/cuda/gemm.h"

#include <limits>
#include <string>

#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {
namespace {

cudaDataType_t cuda_type(DType t) {
  switch (t) {
    case DType::kF32: return CUDA_R_32F;
    case DType::kBF16: return CUDA_R_16BF;
    case DType::kF16: return CUDA_R_16F;
    default: fail(ErrorCode::kUnsupported, std::string("gemm: no cuBLAS type for ") + dtype_name(t));
  }
}

int checked_int(int64_t v, const char* what) {
  require(v >= 0 && v <= std::numeric_limits<int>::max(), ErrorCode::kUnsupported,
          std::string("gemm: ") + what + " = " + std::to_string(v) + " exceeds cuBLAS's 32-bit range");
  return int(v);
}

}  // namespace

void gemm(int64_t m, int64_t n, int64_t k, float alpha, const GemmOperand& a, const GemmOperand& b, float beta,
          void* c, DType c_dtype, int64_t ldc, int64_t c_batch_stride, int64_t batch) {
  if (m == 0 || n == 0 || batch == 0) return;
  const Context& ctx = current_context();
  check_cublas(cublasGemmStridedBatchedEx(
      ctx.cublas, b.transposed ? CUBLAS_OP_T : CUBLAS_OP_N, a.transposed ? CUBLAS_OP_T : CUBLAS_OP_N,
      checked_int(n, "n"), checked_int(m, "m"), checked_int(k, "k"), &alpha,
      b.data, cuda_type(b.dtype), checked_int(b.ld, "ldb"), b.batch_stride,
      a.data, cuda_type(a.dtype), checked_int(a.ld, "lda"), a.batch_stride, &beta,
      c, cuda_type(c_dtype), checked_int(ldc, "ldc"), c_batch_stride, checked_int(batch, "batch"),
      CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

}  // namespace lightvl::cuda
