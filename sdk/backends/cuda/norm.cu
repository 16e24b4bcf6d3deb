// CUDA RMSNorm and LayerNorm: one block of 256 threads per row.
//
// The block reduces with warp shuffles and one shared-memory step (block_sum). RMSNorm: inv =
// 1/sqrt(mean(x²) + eps), y = x·inv·w. LayerNorm: mean first, then the biased variance Σ(x − mean)²/C in a
// second pass over the row (the two-pass form avoids the cancellation of E[x²] − mean²), y = (x − mean)·
// inv·w + b. The result is rounded once to out's dtype. A thread reads each element before it writes the
// same index, so out may alias x.
// RMSNorm has two kernels. The register kernel (rows of at most 8 · 256 vectors of 16 bytes, a whole number
// of vectors, 16-byte aligned x, out and weight: MiniMax's 6144 and 8192 in bf16) has each thread load all
// of its vectors of the row and of the weight before using any, keep them in registers and store 16 bytes
// at a time: one round trip to memory per row. The strided kernel (every other row) has each thread step
// through the row 256 columns at a time, one dependent load after another: at one decode token on an H200
// a 6144-wide row took ~20 µs that way, the register kernel a few.
// Limits: rows < 2^31 (one block each); any row length.
#include "backends/cuda/norm.h"

#include <cstdint>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {
namespace {

template <typename T, typename W>
__global__ void rms_norm_kernel(const T* x, const W* weight, float eps, T* out, int64_t cols) {
  const T* xr = x + int64_t(blockIdx.x) * cols;
  T* yr = out + int64_t(blockIdx.x) * cols;
  float sum_sq = 0.0f;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    const float v = to_float(xr[c]);
    sum_sq += v * v;
  }
  const float inv = 1.0f / sqrtf(block_sum(sum_sq) / float(cols) + eps);
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    yr[c] = from_float<T>(to_float(xr[c]) * inv * to_float(weight[c]));
  }
}

// N elements of E at p as f32, with 16-byte loads (8-byte for 8-byte runs); p aligned to that load size.
template <int N, typename E>
__device__ __forceinline__ void load_floats(const E* p, float (&out)[N]) {
  constexpr int kBytes = N * int(sizeof(E));
  static_assert(kBytes == 8 || kBytes % 16 == 0, "runs of 8 bytes or whole 16-byte vectors");
  alignas(16) E raw[N];
  if constexpr (kBytes == 8) {
    *reinterpret_cast<uint2*>(raw) = __ldg(reinterpret_cast<const uint2*>(p));
  } else {
#pragma unroll
    for (int b = 0; b < kBytes / 16; ++b) reinterpret_cast<uint4*>(raw)[b] = __ldg(reinterpret_cast<const uint4*>(p) + b);
  }
#pragma unroll
  for (int i = 0; i < N; ++i) out[i] = to_float(raw[i]);
}

// Register kernel (see the header): thread t owns the 16-byte vectors t, t + 256, ... (kVectors at most)
// of its block's row; cols = vectors · V with V = 16 / sizeof(T).
template <typename T, typename W, int kVectors>
__global__ void __launch_bounds__(kThreads) rms_norm_registers_kernel(const T* x, const W* weight, float eps, T* out,
                                                                     int64_t cols) {
  constexpr int V = 16 / int(sizeof(T));
  const int64_t vectors = cols / V;
  const T* xr = x + int64_t(blockIdx.x) * cols;
  T* yr = out + int64_t(blockIdx.x) * cols;
  float xv[kVectors][V], wv[kVectors][V];
#pragma unroll
  for (int i = 0; i < kVectors; ++i) {
    const int64_t vec = threadIdx.x + int64_t(i) * kThreads;
    if (vec < vectors) {
      load_floats<V>(xr + vec * V, xv[i]);
      load_floats<V>(weight + vec * V, wv[i]);
    }
  }
  float sum_sq = 0.0f;
#pragma unroll
  for (int i = 0; i < kVectors; ++i) {
    if (threadIdx.x + int64_t(i) * kThreads < vectors) {
#pragma unroll
      for (int j = 0; j < V; ++j) sum_sq += xv[i][j] * xv[i][j];
    }
  }
  const float inv = 1.0f / sqrtf(block_sum(sum_sq) / float(cols) + eps);
#pragma unroll
  for (int i = 0; i < kVectors; ++i) {
    const int64_t vec = threadIdx.x + int64_t(i) * kThreads;
    if (vec < vectors) {
      alignas(16) T y[V];
#pragma unroll
      for (int j = 0; j < V; ++j) y[j] = from_float<T>(xv[i][j] * inv * wv[i][j]);
      *reinterpret_cast<uint4*>(yr + vec * V) = *reinterpret_cast<const uint4*>(y);
    }
  }
}

// The register kernel's vectors per thread for this row (1, 2, 4 or 8), or 0 where it does not apply.
int register_vectors(const Tensor& x, const Tensor& weight, const Tensor& out, int64_t cols) {
  const int64_t v = 16 / int64_t(dtype_size(x.dtype()));
  const auto aligned = [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.raw()) % 16 == 0; };
  if (cols % v != 0 || !aligned(x) || !aligned(out) || !aligned(weight)) return 0;
  const int64_t per_thread = (cols / v + kThreads - 1) / kThreads;
  for (int n : {1, 2, 4, 8}) {
    if (per_thread <= n) return n;
  }
  return 0;
}

template <typename T, typename W>
__global__ void layer_norm_kernel(const T* x, const W* weight, const W* bias, float eps, T* out, int64_t cols) {
  const T* xr = x + int64_t(blockIdx.x) * cols;
  T* yr = out + int64_t(blockIdx.x) * cols;
  float sum = 0.0f;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) sum += to_float(xr[c]);
  const float mean = block_sum(sum) / float(cols);
  float sum_sq = 0.0f;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    const float d = to_float(xr[c]) - mean;
    sum_sq += d * d;
  }
  const float inv = 1.0f / sqrtf(block_sum(sum_sq) / float(cols) + eps);
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    yr[c] = from_float<T>((to_float(xr[c]) - mean) * inv * to_float(weight[c]) + to_float(bias[c]));
  }
}

}  // namespace

void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out) {
  const int64_t rows = x.dim(0), cols = x.dim(1);
  if (rows == 0) return;
  const cudaStream_t stream = current_context().stream;
  with_activation_type(x.dtype(), "rms_norm", [&](auto x_tag) {
    using T = decltype(x_tag);
    with_float_type(weight.dtype(), "rms_norm weight", [&](auto w_tag) {
      using W = decltype(w_tag);
      const T* xp = elements<T>(x);
      const W* wp = elements<W>(weight);
      T* yp = elements<T>(out);
      switch (register_vectors(x, weight, out, cols)) {
        case 1: rms_norm_registers_kernel<T, W, 1><<<unsigned(rows), kThreads, 0, stream>>>(xp, wp, eps, yp, cols); break;
        case 2: rms_norm_registers_kernel<T, W, 2><<<unsigned(rows), kThreads, 0, stream>>>(xp, wp, eps, yp, cols); break;
        case 4: rms_norm_registers_kernel<T, W, 4><<<unsigned(rows), kThreads, 0, stream>>>(xp, wp, eps, yp, cols); break;
        case 8: rms_norm_registers_kernel<T, W, 8><<<unsigned(rows), kThreads, 0, stream>>>(xp, wp, eps, yp, cols); break;
        default: rms_norm_kernel<T, W><<<unsigned(rows), kThreads, 0, stream>>>(xp, wp, eps, yp, cols);
      }
      check_launch();
    });
  });
}

void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out) {
  const int64_t rows = x.dim(0), cols = x.dim(1);
  if (rows == 0) return;
  require(weight.dtype() == bias.dtype(), ErrorCode::kUnsupported,
          "layer_norm on CUDA: weight and bias must share a dtype");
  const cudaStream_t stream = current_context().stream;
  with_activation_type(x.dtype(), "layer_norm", [&](auto x_tag) {
    using T = decltype(x_tag);
    with_float_type(weight.dtype(), "layer_norm weight", [&](auto w_tag) {
      using W = decltype(w_tag);
      layer_norm_kernel<T, W><<<unsigned(rows), kThreads, 0, stream>>>(
          elements<T>(x), elements<W>(weight), elements<W>(bias), eps, elements<T>(out), cols);
      check_launch();
    });
  });
}

}  // namespace lightvl::cuda
