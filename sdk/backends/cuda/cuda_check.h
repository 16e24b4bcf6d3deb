// Checked CUDA runtime and cuBLAS calls: every call site goes through check_cuda() / check_cublas(),
// which turn a failure into lightvl::Error naming the call site (file:line) and the library's error
// string (STYLE.md practice 8). Kernel launches are checked with check_launch() right after the launch.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

#include "core/error.h"

namespace lightvl::cuda {

// Throws Error(kOutOfMemory) for cudaErrorMemoryAllocation, Error(kInternal) for other failures.
// The call site is captured with the compiler builtins (std::source_location needs C++20, and CUDA
// sources are compiled as C++17).
inline void check_cuda(cudaError_t status, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  if (status == cudaSuccess) return;
  const std::string message = std::string("CUDA error at ") + file + ":" + std::to_string(line) + ": " +
                              cudaGetErrorName(status) + ": " +
                              cudaGetErrorString(status);
  fail(status == cudaErrorMemoryAllocation ? ErrorCode::kOutOfMemory : ErrorCode::kInternal, message);
}

// Throws Error(kOutOfMemory) for CUBLAS_STATUS_ALLOC_FAILED, Error(kInternal) for other failures.
inline void check_cublas(cublasStatus_t status, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  const std::string message = std::string("cuBLAS error at ") + file + ":" + std::to_string(line) + ": " +
                              cublasGetStatusName(status) + ": " + cublasGetStatusString(status);
  fail(status == CUBLAS_STATUS_ALLOC_FAILED ? ErrorCode::kOutOfMemory : ErrorCode::kInternal, message);
}

// Checks the launch that was just enqueued (a bad configuration is reported here; a fault inside the
// kernel surfaces at the next synchronising call, which is checked too).
inline void check_launch(const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  check_cuda(cudaGetLastError(), file, line);
}

}  // namespace lightvl::cuda
