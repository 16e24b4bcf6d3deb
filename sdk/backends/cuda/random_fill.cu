// Device random fill: one thread per element (grid-stride), each element a pure function of
// (seed, index) via uniform_from_counter, so the result does not depend on the launch shape and equals
// the CPU fill bit for bit before the final rounding to the storage dtype. Bandwidth-bound.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/random_fill.h"

namespace lightvl::cuda {
namespace {

template <typename T>
__device__ T from_float(float v);
template <>
__device__ float from_float<float>(float v) { return v; }
template <>
__device__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }
template <>
__device__ __half from_float<__half>(float v) { return __float2half_rn(v); }

template <typename T>
__global__ void fill_kernel(T* out, int64_t n, float low, float scale, uint64_t seed) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    out[i] = from_float<T>(low + scale * uniform_from_counter(seed, uint64_t(i)));
  }
}

template <typename T>
void launch(Tensor& t, float low, float high, uint64_t seed) {
  const int64_t n = t.numel();
  if (n == 0) return;
  const int threads = 256;
  const int blocks = int(std::min<int64_t>((n + threads - 1) / threads, 65536));
  fill_kernel<T><<<blocks, threads, 0, current_context().stream>>>(t.data<T>(), n, low, high - low, seed);
  check_cuda(cudaGetLastError());
}

}  // namespace

void fill_uniform(Tensor& t, float low, float high, uint64_t seed) {
  switch (t.dtype()) {
    case DType::kF32: return launch<float>(t, low, high, seed);
    case DType::kBF16: return launch<__nv_bfloat16>(t, low, high, seed);
    case DType::kF16: return launch<__half>(t, low, high, seed);
    default: fail(ErrorCode::kUnsupported, "fill_uniform: unsupported dtype");
  }
}

}  // namespace lightvl::cuda
