// Checked CUDA runtime calls: every call site goes through check_cuda(), which turns a failure into
// lightvl::Error naming the call site (file:line) and the CUDA error string (STYLE.md practice 8).
#pragma once

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

}  // namespace lightvl::cuda
