// Device-side helpers shared by the CUDA kernels: scalar conversions between the storage types and f32,
// warp and block reductions, grid sizing, and the host-side dispatch from DType to a CUDA element type.
// Internal header, .cu files only (C++17). Every kernel loads its operands as f32, computes in f32 and
// rounds once when it stores (round to nearest even, like the host conversions in core/dtype.h).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/tensor.h"

namespace lightvl::cuda {

using bf16 = __nv_bfloat16;

__device__ __forceinline__ float to_float(float x) { return x; }
__device__ __forceinline__ float to_float(bf16 x) { return __bfloat162float(x); }
__device__ __forceinline__ float to_float(__half x) { return __half2float(x); }

template <typename T> __device__ __forceinline__ T from_float(float x);
template <> __device__ __forceinline__ float from_float<float>(float x) { return x; }
template <> __device__ __forceinline__ bf16 from_float<bf16>(float x) { return __float2bfloat16_rn(x); }
template <> __device__ __forceinline__ __half from_float<__half>(float x) { return __float2half_rn(x); }

constexpr unsigned kFullMask = 0xffffffffu;

__device__ __forceinline__ int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(kFullMask, v, offset));
  return v;
}

// Sum of `v` over the block, returned to every thread. Every thread of the block must call it (it
// synchronises); blockDim.x must be a multiple of 32. Safe to call several times in a row.
__device__ __forceinline__ float block_sum(float v) {
  __shared__ float partial[32];
  __shared__ float total;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_sum(v);
  __syncthreads();  // an earlier call has finished reading `partial` and `total`
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < int(blockDim.x >> 5) ? partial[lane] : 0.0f;
    v = warp_sum(v);
    if (lane == 0) total = v;
  }
  __syncthreads();
  return total;
}

constexpr int kThreads = 256;

// Blocks for a grid-stride loop over n items (capped; the loop covers the rest). n must be > 0.
inline unsigned grid_for(int64_t n, int threads = kThreads) {
  return unsigned(std::min<int64_t>((n + threads - 1) / threads, int64_t(1) << 16));
}

// Calls f(T{}) with T the CUDA element type of an activation dtype (f32 → float, bf16 → bf16).
// Throws Error(kUnsupported) naming `op` for other dtypes.
template <typename F> void with_activation_type(DType dtype, const char* op, F&& f) {
  switch (dtype) {
    case DType::kF32: f(float{}); return;
    case DType::kBF16: f(bf16{}); return;
    default:
      fail(ErrorCode::kUnsupported, std::string(op) + ": CUDA activations must be f32 or bf16, got " + dtype_name(dtype));
  }
}

// Calls f(T{}) with T the CUDA element type of a float storage dtype (f32, f16, bf16).
template <typename F> void with_float_type(DType dtype, const char* op, F&& f) {
  switch (dtype) {
    case DType::kF32: f(float{}); return;
    case DType::kBF16: f(bf16{}); return;
    case DType::kF16: f(__half{}); return;
    default:
      fail(ErrorCode::kUnsupported, std::string(op) + ": expected an f32, f16 or bf16 tensor, got " + dtype_name(dtype));
  }
}

// The tensor's elements as T (the caller has dispatched on its dtype).
template <typename T> T* elements(const Tensor& t) { return static_cast<T*>(t.raw()); }

}  // namespace lightvl::cuda
