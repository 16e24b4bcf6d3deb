// One-token bf16 GEMV (decode's projections), bound by reading the weight once. A warp owns kRowsPerWarp
// consecutive output rows; lane l reads elements [8l, 8l + 8) of every 256-element chunk of each row with
// one 16-byte load per row (all rows' loads issued before use, kUnroll chunks in flight), and the same 8
// elements of x (16 bytes, L1/L2-resident: every warp reads the same x). Products accumulate in f32 per
// lane, the warp reduces them with shuffles and lane 0 rounds each output once to bf16.
// Why not cuBLAS: at one token its GEMV reached 62–68 % of HBM bandwidth on the smaller projections of
// MiniMax-Text-01 (6144 → 9216, 8192 → 6144) on an H200; this layout keeps more bytes in flight per SM.
// N ≤ 2048 takes a split-K kernel instead (below). Limits (gemv_bf16_applies): bf16 only, K % 8 == 0,
// 16-byte aligned x and w; N, K < 2^31.
#include "backends/cuda/gemv_bf16.h"

#include <cstdint>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {
namespace {

constexpr int kWarps = 8;
constexpr int kRowsPerWarp = 2;
constexpr int kUnroll = 4;
constexpr int kVector = 8;             // bf16 per 16-byte load
constexpr int kChunk = 32 * kVector;   // elements one warp-wide load covers

__device__ __forceinline__ void unpack8(const uint4& raw, float (&v)[kVector]) {
  const __nv_bfloat162* two = reinterpret_cast<const __nv_bfloat162*>(&raw);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 f = __bfloat1622float2(two[i]);
    v[2 * i] = f.x, v[2 * i + 1] = f.y;
  }
}

// acc[r] += Σ w[row0 + r, c] · x[c] over this lane's columns c = first, first + stride, ... below k, 8 at a
// time (rows at or past n read as zero). Each step issues every row's 16-byte load before using any, and
// kUnroll steps are unrolled so that their loads are in flight together.
template <int kRows>
__device__ __forceinline__ void accumulate_rows(const bf16* __restrict__ x, const bf16* __restrict__ w, int64_t row0,
                                                int64_t n, int64_t k, int64_t first, int64_t stride,
                                                float (&acc)[kRows]) {
#pragma unroll kUnroll
  for (int64_t col = first; col < k; col += stride) {
    uint4 wv[kRows];
#pragma unroll
    for (int r = 0; r < kRows; ++r) {
      wv[r] = row0 + r < n ? __ldg(reinterpret_cast<const uint4*>(w + (row0 + r) * k + col)) : uint4{0, 0, 0, 0};
    }
    float xf[kVector];
    unpack8(__ldg(reinterpret_cast<const uint4*>(x + col)), xf);
#pragma unroll
    for (int r = 0; r < kRows; ++r) {
      float wf[kVector];
      unpack8(wv[r], wf);
#pragma unroll
      for (int i = 0; i < kVector; ++i) acc[r] = fmaf(wf[i], xf[i], acc[r]);
    }
  }
}

__global__ void __launch_bounds__(kWarps * 32) gemv_bf16_kernel(const bf16* __restrict__ x, const bf16* __restrict__ w,
                                                                bf16* __restrict__ out, int64_t n, int64_t k) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t row0 = (int64_t(blockIdx.x) * kWarps + warp) * kRowsPerWarp;
  if (row0 >= n) return;  // whole warps leave; no barrier follows
  float acc[kRowsPerWarp] = {};
  accumulate_rows(x, w, row0, n, k, int64_t(lane) * kVector, kChunk, acc);
#pragma unroll
  for (int r = 0; r < kRowsPerWarp; ++r) {
    const float sum = warp_sum(acc[r]);
    if (lane == 0 && row0 + r < n) out[row0 + r] = __float2bfloat16_rn(sum);
  }
}

// Small N (the router's 32 rows, the 1024-row K and V projections): the kernel above would give few blocks
// (N / 16) each walking all of K one 256-element chunk after another, a latency chain on a few SMs (~13 µs
// for 6144 → 32 on an H200). Here a block owns kSplitRows rows and its kWarps warps split K: warp w takes
// chunks w, w + kWarps, ..., so each warp has only K / (256 · kWarps) chunks to load; the warps' partial sums
// meet in shared memory and warp 0 rounds each output once.
constexpr int kSplitRows = 2;
constexpr int64_t kSplitMaxN = 2048;  // below this, N / 16 blocks would not fill an H100/H200 (132 SMs)

__global__ void __launch_bounds__(kWarps * 32) gemv_bf16_split_k_kernel(const bf16* __restrict__ x,
                                                                        const bf16* __restrict__ w,
                                                                        bf16* __restrict__ out, int64_t n, int64_t k) {
  __shared__ float partial[kWarps][kSplitRows];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t row0 = int64_t(blockIdx.x) * kSplitRows;
  float acc[kSplitRows] = {};
  accumulate_rows(x, w, row0, n, k, (int64_t(warp) * 32 + lane) * kVector, int64_t(kWarps) * kChunk, acc);
#pragma unroll
  for (int r = 0; r < kSplitRows; ++r) {
    const float sum = warp_sum(acc[r]);
    if (lane == 0) partial[warp][r] = sum;
  }
  __syncthreads();
  if (warp == 0 && lane < kSplitRows && row0 + lane < n) {
    float sum = 0.0f;
#pragma unroll
    for (int v = 0; v < kWarps; ++v) sum += partial[v][lane];
    out[row0 + lane] = __float2bfloat16_rn(sum);
  }
}

bool aligned16(const Tensor& t) { return reinterpret_cast<uintptr_t>(t.raw()) % 16 == 0; }

}  // namespace

bool gemv_bf16_applies(const Tensor& x, const Tensor& w, const Tensor& out) {
  return x.dtype() == DType::kBF16 && w.dtype() == DType::kBF16 && out.dtype() == DType::kBF16 && x.rank() == 2 &&
         x.dim(0) == 1 && w.rank() == 2 && x.dim(1) == w.dim(1) && x.dim(1) % kVector == 0 && aligned16(x) &&
         aligned16(w) && w.dim(0) < (int64_t(1) << 31) && x.dim(1) < (int64_t(1) << 31);
}

void gemv_bf16(const Tensor& x, const Tensor& w, Tensor& out) {
  const int64_t n = w.dim(0), k = w.dim(1);
  if (n <= kSplitMaxN) {
    gemv_bf16_split_k_kernel<<<unsigned((n + kSplitRows - 1) / kSplitRows), kWarps * 32, 0,
                               current_context().stream>>>(elements<bf16>(x), elements<bf16>(w), elements<bf16>(out), n, k);
    check_launch();
    return;
  }
  const int64_t rows_per_block = kWarps * kRowsPerWarp;
  gemv_bf16_kernel<<<unsigned((n + rows_per_block - 1) / rows_per_block), kWarps * 32, 0, current_context().stream>>>(
      elements<bf16>(x), elements<bf16>(w), elements<bf16>(out), n, k);
  check_launch();
}

}  // namespace lightvl::cuda
