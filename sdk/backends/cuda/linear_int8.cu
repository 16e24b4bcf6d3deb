// CUDA linear layer with int8 weight-only quantisation: out[T, N] = scales[n] · Σ_k x[t, k] · q[n, k]
// (+ bias[n]), q int8 [N, K] row-major (the PyTorch layout), scales f32 [N], x and out f32 or bf16 (the
// same). Two algorithms, chosen by the number of rows T:
//
// Decode of one token, T = 1 (batch-1 decode, the common case): a GEMV with no shared memory. A warp
// owns kOneTokenRowsPerWarp consecutive output rows; lane l takes bytes [16l, 16l + 16) of every 512-byte
// chunk of each row (one 16-byte load per row, all issued before use), reads its 16 x values of the
// chunk straight from global memory (L1/L2-resident: every warp reads the same x) and converts each
// weight byte with a byte permute into the mantissa of 2^23 and one subtraction (exact, full-rate
// instructions; an int-to-float conversion instruction would be quarter-rate and bound the kernel).
// Lane l sums its columns in the same order as the kernel below, so both give the same sums.
//
// Decode, 1 < T ≤ kMaxGemvRows (8): a GEMV that is bound by reading the weight, so the weight is read once,
// as int8. A block of kGemvWarps warps owns kGemvWarps·kRowsPerWarp output rows; each warp walks its rows
// with 16-byte loads (lane l reads bytes [16l, 16l + 16) of every 512-byte chunk), so one warp load covers
// 512 contiguous weight bytes. x is staged in shared memory as f32, kTileK columns of all T rows at a
// time, permuted so that element j of lane l's 16 sits at word j·32 + l of its chunk: the 32 lanes then
// read 32 consecutive words (no bank conflicts). Each lane accumulates its partial dot products in f32
// registers (one per row × T), the warp reduces them by shuffles, and the scale is applied once per
// output before the single rounding to out's dtype. Needs K % 16 == 0 and a 16-byte aligned weight (the
// caching allocator's blocks are); otherwise a plain one-byte-per-lane variant runs (same arithmetic).
//
// Prefill, T > kMaxGemvRows: panels of weight rows are dequantised into a scratch buffer from the caching
// allocator (no cudaMalloc after warm-up) as w' = scales[n]·q[n, k] rounded once to x's dtype, and the
// existing cuBLAS gemm multiplies x by each panel with f32 accumulation. Precision: with bf16 activations
// the dequantised weight carries one extra bf16 rounding (relative ≤ 2^-9, below the int8 step of up to
// 1/254 of the row's largest weight); with f32 activations scale·q is rounded to f32 (≤ 2^-24).
//
// A bias, if given, is added afterwards (linear.cu's add_bias: one more rounding for bf16 outputs).
// Limits: T, N, K < 2^31; the decode kernel's shared tile is kMaxGemvRows·kTileK·4 = 32 KiB.
#include "backends/cuda/linear.h"

#include <algorithm>
#include <cstdint>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/gemm.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

constexpr int kMaxGemvRows = 8;    // T up to which the GEMV runs
constexpr int kGemvWarps = 8;      // warps per block
constexpr int kRowsPerWarp = 2;    // output rows per warp (independent loads in flight)
constexpr int kChunk = 32 * 16;    // weight bytes one warp-wide 16-byte load covers
constexpr int kTileK = 2 * kChunk; // columns of x staged in shared memory at a time
constexpr int64_t kPanelBytes = int64_t(64) << 20;  // dequantised weight per prefill panel
constexpr int kOneTokenRowsPerWarp = 4;  // output rows per warp of the one-token GEMV

// Signed byte `b` (0..3) of `flipped` = word ^ 0x80808080 as f32: the byte, offset by 128, becomes the
// low mantissa bits of 2^23 (0x4B000000), so the float is 2^23 + 128 + value exactly.
__device__ __forceinline__ float signed_byte_as_float(uint32_t flipped, int b) {
  return __int_as_float(int(__byte_perm(flipped, 0x4B000000u, 0x7440u | unsigned(b)))) - 8388736.0f;
}

// 16 consecutive elements of x (16-byte aligned) as f32.
__device__ __forceinline__ void load16(const float* p, float (&v)[16]) {
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float4 f = reinterpret_cast<const float4*>(p)[i];
    v[4 * i] = f.x, v[4 * i + 1] = f.y, v[4 * i + 2] = f.z, v[4 * i + 3] = f.w;
  }
}
__device__ __forceinline__ void load16(const bf16* p, float (&v)[16]) {
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    const uint4 raw = reinterpret_cast<const uint4*>(p)[i];
    const __nv_bfloat162* two = reinterpret_cast<const __nv_bfloat162*>(&raw);
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const float2 f = __bfloat1622float2(two[j]);
      v[8 * i + 2 * j] = f.x, v[8 * i + 2 * j + 1] = f.y;
    }
  }
}

// The one-token GEMV (T = 1, K % 16 == 0, 16-byte aligned q and x). See the file comment.
template <typename T>
__global__ void __launch_bounds__(kGemvWarps * 32)
    gemv_int8_one_token_kernel(const T* x, const int8_t* q, const float* scales, T* out, int64_t n, int64_t k) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t row0 = (int64_t(blockIdx.x) * kGemvWarps + warp) * kOneTokenRowsPerWarp;
  if (row0 >= n) return;  // whole warps leave; no barrier follows
  float acc[kOneTokenRowsPerWarp] = {};
#pragma unroll 2
  for (int64_t col = int64_t(lane) * 16; col < k; col += kChunk) {
    int4 packed[kOneTokenRowsPerWarp];
#pragma unroll
    for (int rr = 0; rr < kOneTokenRowsPerWarp; ++rr) {
      packed[rr] = row0 + rr < n ? __ldg(reinterpret_cast<const int4*>(q + (row0 + rr) * k + col)) : int4{0, 0, 0, 0};
    }
    float xv[16];
    load16(x + col, xv);
#pragma unroll
    for (int rr = 0; rr < kOneTokenRowsPerWarp; ++rr) {
      const uint32_t words[4] = {uint32_t(packed[rr].x), uint32_t(packed[rr].y), uint32_t(packed[rr].z),
                                 uint32_t(packed[rr].w)};
#pragma unroll
      for (int w = 0; w < 4; ++w) {
        const uint32_t flipped = words[w] ^ 0x80808080u;
#pragma unroll
        for (int b = 0; b < 4; ++b) acc[rr] += signed_byte_as_float(flipped, b) * xv[4 * w + b];
      }
    }
  }
#pragma unroll
  for (int rr = 0; rr < kOneTokenRowsPerWarp; ++rr) {
    const float sum = warp_sum(acc[rr]);
    const int64_t row = row0 + rr;
    if (lane == 0 && row < n) out[row] = from_float<T>(sum * scales[row]);
  }
}

// The vectorised GEMV (K % 16 == 0, 16-byte aligned q). See the file comment for the layout.
template <typename T>
__global__ void __launch_bounds__(kGemvWarps * 32)
gemv_int8_kernel(const T* x, const int8_t* q, const float* scales, T* out, int rows_t, int64_t n, int64_t k) {
  __shared__ float xs[kMaxGemvRows][kTileK];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t row0 = (int64_t(blockIdx.x) * kGemvWarps + warp) * kRowsPerWarp;
  float acc[kRowsPerWarp][kMaxGemvRows] = {};
  for (int64_t k0 = 0; k0 < k; k0 += kTileK) {
    const int tile = int(k - k0 < kTileK ? k - k0 : kTileK);  // a multiple of 16
    __syncthreads();  // every warp has finished reading the previous tile
    for (int i = threadIdx.x; i < rows_t * tile; i += blockDim.x) {
      const int r = i / tile, col = i - r * tile;
      const int chunk = col / kChunk, within = col - chunk * kChunk;
      xs[r][chunk * kChunk + (within & 15) * 32 + (within >> 4)] = to_float(x[int64_t(r) * k + k0 + col]);
    }
    __syncthreads();
    int4 packed[kRowsPerWarp][kTileK / kChunk];
#pragma unroll
    for (int rr = 0; rr < kRowsPerWarp; ++rr) {
#pragma unroll
      for (int c = 0; c < kTileK / kChunk; ++c) {
        const int col = c * kChunk + lane * 16;
        const bool inside = row0 + rr < n && col < tile;
        packed[rr][c] = inside ? __ldg(reinterpret_cast<const int4*>(q + (row0 + rr) * k + k0 + col)) : int4{0, 0, 0, 0};
      }
    }
#pragma unroll
    for (int rr = 0; rr < kRowsPerWarp; ++rr) {
#pragma unroll
      for (int c = 0; c < kTileK / kChunk; ++c) {
        const int8_t* bytes = reinterpret_cast<const int8_t*>(&packed[rr][c]);
        if (c * kChunk + lane * 16 >= tile) continue;  // past the tail: this lane's columns do not exist
#pragma unroll
        for (int j = 0; j < 16; ++j) {
          const float w = float(bytes[j]);
#pragma unroll
          for (int r = 0; r < kMaxGemvRows; ++r) {
            if (r < rows_t) acc[rr][r] += w * xs[r][c * kChunk + j * 32 + lane];
          }
        }
      }
    }
  }
#pragma unroll
  for (int rr = 0; rr < kRowsPerWarp; ++rr) {
#pragma unroll
    for (int r = 0; r < kMaxGemvRows; ++r) {
      if (r >= rows_t) break;
      const float sum = warp_sum(acc[rr][r]);
      const int64_t row = row0 + rr;
      if (lane == 0 && row < n) out[int64_t(r) * n + row] = from_float<T>(sum * scales[row]);
    }
  }
}

// The general GEMV: one warp per output row, one byte per lane per step, x read from global memory.
template <typename T>
__global__ void __launch_bounds__(kGemvWarps * 32)
gemv_int8_bytes_kernel(const T* x, const int8_t* q, const float* scales, T* out, int rows_t, int64_t n, int64_t k) {
  const int lane = threadIdx.x & 31;
  const int64_t row = int64_t(blockIdx.x) * kGemvWarps + (threadIdx.x >> 5);
  if (row >= n) return;  // whole warps leave together
  float acc[kMaxGemvRows] = {};
  for (int64_t col = lane; col < k; col += 32) {
    const float w = float(q[row * k + col]);
#pragma unroll
    for (int r = 0; r < kMaxGemvRows; ++r) {
      if (r < rows_t) acc[r] += w * to_float(x[int64_t(r) * k + col]);
    }
  }
#pragma unroll
  for (int r = 0; r < kMaxGemvRows; ++r) {
    if (r >= rows_t) break;
    const float sum = warp_sum(acc[r]);
    if (lane == 0) out[int64_t(r) * n + row] = from_float<T>(sum * scales[row]);
  }
}

// out[r, c] = scales[r]·q[r, c] rounded to W, for `rows` rows of k: one block per row (grid-stride).
template <typename W>
__global__ void dequantize_rows_kernel(const int8_t* q, const float* scales, W* out, int64_t rows, int64_t k) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float s = scales[r];
    for (int64_t c = threadIdx.x; c < k; c += blockDim.x) out[r * k + c] = from_float<W>(s * float(q[r * k + c]));
  }
}

void gemv_int8(const Tensor& x, const Tensor& q, const Tensor& scales, Tensor& out) {
  const int64_t t = x.dim(0), k = x.dim(1), n = q.dim(0);
  const cudaStream_t stream = current_context().stream;
  const bool vectorised = k % 16 == 0 && reinterpret_cast<uintptr_t>(q.raw()) % 16 == 0;
  with_activation_type(x.dtype(), "linear (int8 weight)", [&](auto tag) {
    using T = decltype(tag);
    if (vectorised && t == 1 && reinterpret_cast<uintptr_t>(x.raw()) % 16 == 0) {
      const int64_t rows_per_block = kGemvWarps * kOneTokenRowsPerWarp;
      gemv_int8_one_token_kernel<T><<<unsigned((n + rows_per_block - 1) / rows_per_block), kGemvWarps * 32, 0, stream>>>(
          elements<T>(x), elements<int8_t>(q), elements<float>(scales), elements<T>(out), n, k);
    } else if (vectorised) {
      const int64_t blocks = (n + kGemvWarps * kRowsPerWarp - 1) / (kGemvWarps * kRowsPerWarp);
      gemv_int8_kernel<T><<<unsigned(blocks), kGemvWarps * 32, 0, stream>>>(
          elements<T>(x), elements<int8_t>(q), elements<float>(scales), elements<T>(out), int(t), n, k);
    } else {
      const int64_t blocks = (n + kGemvWarps - 1) / kGemvWarps;
      gemv_int8_bytes_kernel<T><<<unsigned(blocks), kGemvWarps * 32, 0, stream>>>(
          elements<T>(x), elements<int8_t>(q), elements<float>(scales), elements<T>(out), int(t), n, k);
    }
    check_launch();
  });
}

void linear_int8_by_panels(const Tensor& x, const Tensor& q, const Tensor& scales, Tensor& out) {
  const int64_t t = x.dim(0), k = x.dim(1), n = q.dim(0);
  const int64_t elem = int64_t(dtype_size(x.dtype()));
  const int64_t panel_rows = std::min(n, std::max<int64_t>(1, kPanelBytes / (k * elem)));
  Tensor panel = empty(x.dtype(), {panel_rows, k});
  const cudaStream_t stream = current_context().stream;
  for (int64_t r0 = 0; r0 < n; r0 += panel_rows) {
    const int64_t rows = std::min(panel_rows, n - r0);
    with_activation_type(x.dtype(), "linear (int8 weight)", [&](auto tag) {
      using W = decltype(tag);
      dequantize_rows_kernel<W><<<unsigned(std::min<int64_t>(rows, 1 << 16)), kThreads, 0, stream>>>(
          elements<int8_t>(q) + r0 * k, elements<float>(scales) + r0, elements<W>(panel), rows, k);
      check_launch();
    });
    void* out_columns = static_cast<char*>(out.raw()) + r0 * int64_t(dtype_size(out.dtype()));
    gemm(t, rows, k, 1.0f, {x.raw(), x.dtype(), k}, {panel.raw(), x.dtype(), k, 0, true}, 0.0f, out_columns,
         out.dtype(), n);
  }
}

}  // namespace

void linear_int8(const Tensor& x, const Tensor& q, const Tensor& scales, const Tensor* bias, Tensor& out) {
  const int64_t t = x.dim(0), k = x.dim(1), n = q.dim(0);
  if (t == 0 || n == 0) return;
  if (k == 0) {
    fill_zero(out);
  } else if (t <= kMaxGemvRows) {
    gemv_int8(x, q, scales, out);
  } else {
    linear_int8_by_panels(x, q, scales, out);
  }
  if (bias) add_bias(out, *bias);
}

}  // namespace lightvl::cuda
