// CUDA row argmax (greedy decoding on the device): one block of kArgmaxThreads threads per row. Thread i
// scans columns i, i + blockDim, ... (coalesced) keeping its best (value, index): a non-NaN value wins if
// it is greater, or equal with a lower index; the block then reduces the pairs with the same rule through
// warp shuffles and shared memory. So the result is the first of equal maxima among non-NaN entries,
// which is std::max_element's choice, except that max_element keeps a NaN first entry: the row's first
// entry is checked for NaN at the end and then gives 0 (as does a row of NaN only). The ids, R int32,
// come back with one small device-to-host copy. Limits: R ≤ 2^31 − 1 rows (grid-stride), V < 2^31.
#include "backends/cuda/argmax.h"

#include <cmath>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

constexpr int kArgmaxThreads = 1024;
constexpr int kArgmaxWarps = kArgmaxThreads / 32;
constexpr int kMaxGridRows = 65535;

// Whether candidate (v, i) beats the current best (best_v, best_i): NaN never wins; ties go to the lower
// index. best_i < 0 means "nothing yet".
__device__ __forceinline__ bool beats(float v, int i, float best_v, int best_i) {
  if (isnan(v) || i < 0) return false;
  return best_i < 0 || v > best_v || (v == best_v && i < best_i);
}

template <typename T>
__global__ void __launch_bounds__(kArgmaxThreads) argmax_rows_kernel(const T* x, int64_t rows, int cols, int32_t* ids) {
  __shared__ float warp_value[kArgmaxWarps];
  __shared__ int warp_index[kArgmaxWarps];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* row = x + r * cols;
    float best_v = 0.0f;
    int best_i = -1;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
      const float v = to_float(row[c]);
      if (beats(v, c, best_v, best_i)) best_v = v, best_i = c;
    }
    for (int offset = 16; offset > 0; offset >>= 1) {
      const float v = __shfl_xor_sync(kFullMask, best_v, offset);
      const int i = __shfl_xor_sync(kFullMask, best_i, offset);
      if (beats(v, i, best_v, best_i)) best_v = v, best_i = i;
    }
    if (lane == 0) warp_value[warp] = best_v, warp_index[warp] = best_i;
    __syncthreads();
    if (warp == 0) {
      best_v = warp_value[lane];
      best_i = warp_index[lane];
      for (int offset = 16; offset > 0; offset >>= 1) {
        const float v = __shfl_xor_sync(kFullMask, best_v, offset);
        const int i = __shfl_xor_sync(kFullMask, best_i, offset);
        if (beats(v, i, best_v, best_i)) best_v = v, best_i = i;
      }
      if (lane == 0) ids[r] = (best_i < 0 || isnan(to_float(row[0]))) ? 0 : best_i;
    }
    __syncthreads();  // the shared slots are reused by the next row
  }
}

}  // namespace

void argmax_rows(const Tensor& x, std::vector<int32_t>& ids) {
  const int64_t rows = x.dim(0), cols = x.dim(1);
  if (rows == 0) return;
  require(cols < (int64_t(1) << 31), ErrorCode::kUnsupported, "argmax_rows on CUDA: rows longer than 2^31 - 1");
  Tensor d_ids = empty(DType::kI32, {rows});
  const cudaStream_t stream = current_context().stream;
  const unsigned blocks = unsigned(std::min<int64_t>(rows, kMaxGridRows));
  with_activation_type(x.dtype(), "argmax_rows", [&](auto tag) {
    using T = decltype(tag);
    argmax_rows_kernel<T><<<blocks, kArgmaxThreads, 0, stream>>>(elements<T>(x), rows, int(cols), d_ids.data<int32_t>());
    check_launch();
  });
  Tensor host(DType::kI32, {rows}, ids.data(), nullptr);
  copy(d_ids, host);
}

}  // namespace lightvl::cuda
