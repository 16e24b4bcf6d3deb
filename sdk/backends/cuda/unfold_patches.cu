// CUDA patch unfolding (im2col for the ViT's p×p stride-p patch convolution), see ops/unfold_patches.h.
//
// Algorithm: one thread per output element (grid-stride loop). The flat output index i splits into the
// output row r = (tile, patch row py, patch column px) and column j = (channel c, ky, kx); the thread reads
// pixels[tile, c, py·p + ky, px·p + kx]. Consecutive threads write consecutive output elements (coalesced
// stores); reads are coalesced within each run of p pixels of one image row (p = 14 at 336/14).
// Precision: an exact copy of f32 values. Limits: element counts below 2^63; the whole pixel tensor is
// read once and the output written once, so it is bandwidth-bound (≈ 2 × 170 MB for 128 tiles of 336²).
#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/unfold_patches.h"

namespace lightvl::cuda {
namespace {

__global__ void unfold_patches_kernel(const float* __restrict__ pixels, float* __restrict__ out, int64_t n,
                                      int64_t channels, int64_t side, int64_t patch, int64_t grid) {
  const int64_t cols = channels * patch * patch;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t r = i / cols, j = i % cols;
    const int64_t px = r % grid, py = (r / grid) % grid, t = r / (grid * grid);
    const int64_t kx = j % patch, ky = (j / patch) % patch, c = j / (patch * patch);
    out[i] = pixels[((t * channels + c) * side + py * patch + ky) * side + px * patch + kx];
  }
}

}  // namespace

void unfold_patches(const Tensor& pixels, int64_t patch, Tensor& out) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const int64_t side = pixels.dim(2);
  unfold_patches_kernel<<<grid_for(n), kThreads, 0, current_context().stream>>>(
      elements<const float>(pixels), elements<float>(out), n, pixels.dim(1), side, patch, side / patch);
  check_cuda(cudaGetLastError());
}

}  // namespace lightvl::cuda
