// CUDA RMSNorm and LayerNorm: one block of 256 threads per row.
//
// Each thread strides over the row's columns accumulating in f32; the block reduces with warp shuffles
// and one shared-memory step (block_sum). RMSNorm: inv = 1/sqrt(mean(x²) + eps), y = x·inv·w.
// LayerNorm: mean first, then the biased variance Σ(x − mean)²/C in a second pass over the row (the
// two-pass form avoids the cancellation of E[x²] − mean²), y = (x − mean)·inv·w + b. The result is
// rounded once to out's dtype. A thread reads each element before it writes the same index, so out may
// alias x. Limits: rows < 2^31 (one block each); any row length.
#include "backends/cuda/norm.h"

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
      rms_norm_kernel<T, W><<<unsigned(rows), kThreads, 0, stream>>>(elements<T>(x), elements<W>(weight), eps,
                                                                       elements<T>(out), cols);
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
