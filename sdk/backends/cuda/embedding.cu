// CUDA embedding gather: block b copies token rows b, b + gridDim.x, ...; its threads stride over the
// row's columns (coalesced), converting table dtype → out dtype (widening is exact; rounding to bf16 is
// to nearest even). The ids are uploaded per call. Layout: table [V, C], out [T, C], both contiguous.
#include "backends/cuda/embedding.h"

#include <algorithm>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

template <typename W, typename O>
__global__ void embedding_kernel(const int32_t* ids, const W* table, O* out, int64_t tokens, int64_t cols) {
  for (int64_t t = blockIdx.x; t < tokens; t += gridDim.x) {
    const W* src = table + int64_t(ids[t]) * cols;
    O* dst = out + t * cols;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) dst[c] = from_float<O>(to_float(src[c]));
  }
}

}  // namespace

void embedding(const std::vector<int32_t>& ids, const Tensor& table, Tensor& out) {
  const int64_t tokens = int64_t(ids.size()), cols = table.dim(1);
  if (tokens == 0 || cols == 0) return;
  const Tensor d_ids = upload(ids.data(), DType::kI32, {tokens});
  const cudaStream_t stream = current_context().stream;
  const unsigned blocks = unsigned(std::min<int64_t>(tokens, 65535));
  with_float_type(table.dtype(), "embedding", [&](auto w_tag) {
    using W = decltype(w_tag);
    with_activation_type(out.dtype(), "embedding", [&](auto o_tag) {
      using O = decltype(o_tag);
      embedding_kernel<W, O><<<blocks, kThreads, 0, stream>>>(d_ids.data<int32_t>(), elements<W>(table),
                                                              elements<O>(out), tokens, cols);
      check_launch();
    });
  });
}

}  // namespace lightvl::cuda
