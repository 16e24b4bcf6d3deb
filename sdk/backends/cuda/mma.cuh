// Warp-level tensor-core building blocks shared by the bf16 kernels (attention_flash.cu,
// lightning_tensor_core.cu): cp.async staging of row-major tiles into padded shared memory, ldmatrix
// fragment loads and mma.sync m16n8k16 (bf16 × bf16 → f32), all as inline PTX for sm_80 and later.
// Internal header, .cu files only (C++17).
//
// Fragment layouts (PTX ISA, mma.m16n8k16 .bf16; lane = threadIdx.x mod 32, g = lane / 4,
// c = 2·(lane mod 4)); every 32-bit register holds two bf16, the lower column (or k) in the low half:
//   A (16 × 16, row m, column k):  a0 (g, c..c+1), a1 (g + 8, c..c+1), a2 (g, c + 8..), a3 (g + 8, c + 8..)
//   B (16 × 8, row k, column n):   b0 (k = c..c+1, n = g), b1 (k = c + 8..c + 9, n = g)
//   C (16 × 8, f32):               c0 c1 (g, c..c+1), c2 c3 (g + 8, c..c+1)
// ldmatrix.x4 loads four 8 × 8 matrices: lane i gives the shared address of row i mod 8 of matrix i / 8,
// and register j receives matrix j as (row g, columns c..c+1); with .trans each matrix is transposed on
// the way, so register j holds (rows c..c+1, column g) of the stored matrix. Hence, for a row-major tile:
//   A of rows r0.., columns k0..:       ldmatrix_x4 at row r0 + (lane & 7) + ((lane >> 3) & 1)·8,
//                                       column k0 + (lane >> 4)·8;
//   B from [n][k] storage (K in Q·Kᵀ):  ldmatrix_x4 at row n0 + (lane & 7) + (lane >> 4)·8,
//                                       column k0 + ((lane >> 3) & 1)·8: regs 0, 1 = b0, b1 of n-tile n0,
//                                       regs 2, 3 = b0, b1 of n-tile n0 + 8;
//   B from [k][n] storage (V in P·V):   ldmatrix_x4_trans at row k0 + (lane & 7) + ((lane >> 3) & 1)·8,
//                                       column n0 + (lane >> 4)·8: same register assignment;
//   A from [k][m] storage (K in Kᵀ·V):  ldmatrix_x4_trans at row k0 + (lane & 7) + (lane >> 4)·8,
//                                       column m0 + ((lane >> 3) & 1)·8.
// Every row address must be 16-byte aligned; shared rows padded by 16 bytes (e.g. a row stride ≡ 16 mod
// 128 bytes) make the 8 addresses of one matrix hit distinct banks.
#pragma once

#include <cuda_bf16.h>

#include <cstdint>

#include "backends/cuda/common.cuh"

namespace lightvl::cuda {

__device__ __forceinline__ uint32_t shared_address(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// 16 bytes global → shared, bypassing L1; zero-fills the destination when !valid (src is not read).
__device__ __forceinline__ void cp_async_16(void* dst, const void* src, bool valid) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(shared_address(dst)), "l"(src),
               "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int kPending> __device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending));
}

// Four 8×8 b16 matrices; lane i gives the row address of matrix i / 8, row i mod 8; register j holds
// matrix j (row lane / 4, columns 2·(lane mod 4) + {0, 1}; transposed with .trans).
__device__ __forceinline__ void ldmatrix_x4(uint32_t (&r)[4], const bf16* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(shared_address(p)));
}
__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t (&r)[4], const bf16* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(shared_address(p)));
}

// c += a·b for one m16n8k16 tile (bf16 inputs, f32 accumulators).
__device__ __forceinline__ void mma_bf16(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
      "{%0, %1, %2, %3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Two f32 rounded to a bf16 pair, `lo` in the low half (the lower column of a fragment register).
__device__ __forceinline__ uint32_t pack_bf16(float lo, float hi) {
  const __nv_bfloat162 pair = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<const uint32_t*>(&pair);
}

// The bf16 pair of a fragment register as f32 (x: low half, y: high half); exact.
__device__ __forceinline__ float2 unpack_bf16(uint32_t r) {
  return __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&r));
}

// Warp-level products on shared tiles, in the fragment layouts above (lane = threadIdx.x mod 32).
// A fragments of rows row0 … row0 + 15 of a row-major tile (row stride ld), for every k16 slice of kK.
template <int kK>
__device__ __forceinline__ void load_a_fragments(uint32_t (&a)[kK / 16][4], const bf16* tile, int row0, int ld,
                                                 int lane) {
#pragma unroll
  for (int kk = 0; kk < kK / 16; ++kk) {
    ldmatrix_x4(a[kk], tile + (row0 + (lane & 7) + ((lane >> 3) & 1) * 8) * ld + 16 * kk + (lane >> 4) * 8);
  }
}

// c (16 × kN as kN / 8 n8-tiles) += A (16 × kK, fragments) · Bᵀ, B stored [n][k] row-major (row stride ld),
// e.g. scores Q·Kᵀ from a key tile. Only n16 slices below n_slices are computed (the rest stay as they
// are): causal kernels skip key slices above the diagonal; the value must be warp-uniform.
template <int kN, int kK>
__device__ __forceinline__ void mma_a_bt(float (&c)[kN / 8][4], const uint32_t (&a)[kK / 16][4], const bf16* b, int ld,
                                         int lane, int n_slices = kN / 16) {
#pragma unroll
  for (int kk = 0; kk < kK / 16; ++kk) {
#pragma unroll
    for (int np = 0; np < kN / 16; ++np) {
      if (np >= n_slices) continue;
      uint32_t r[4];
      ldmatrix_x4(r, b + (16 * np + (lane & 7) + (lane >> 4) * 8) * ld + 16 * kk + ((lane >> 3) & 1) * 8);
      mma_bf16(c[2 * np], a[kk], r[0], r[1]);
      mma_bf16(c[2 * np + 1], a[kk], r[2], r[3]);
    }
  }
}

// c (16 × kN) += A (16 × 16, one k16 slice) · B[k0 … k0 + 15, :], B stored [k][n] row-major (row stride
// ld) and read transposed by ldmatrix; `b_k0` points at row k0. E.g. O += P·V one key slice at a time.
template <int kN>
__device__ __forceinline__ void mma_a_b_slice(float (&c)[kN / 8][4], const uint32_t (&a)[4], const bf16* b_k0, int ld,
                                              int lane) {
#pragma unroll
  for (int dn = 0; dn < kN / 16; ++dn) {
    uint32_t r[4];
    ldmatrix_x4_trans(r, b_k0 + ((lane & 7) + ((lane >> 3) & 1) * 8) * ld + 16 * dn + (lane >> 4) * 8);
    mma_bf16(c[2 * dn], a, r[0], r[1]);
    mma_bf16(c[2 * dn + 1], a, r[2], r[3]);
  }
}

// Block-wide (kThreads threads): issues cp.async for rows [row0, row0 + kRows) of a row-major bf16
// source (row r at src + r·row_stride, kCols elements used) into a shared tile of row stride kLd;
// rows ≥ `rows` are zero-filled. src and row_stride must keep every row 16-byte aligned. The caller
// commits the group.
template <int kRows, int kCols, int kLd, int kThreads>
__device__ __forceinline__ void load_tile_async(bf16* dst, const bf16* src, int64_t row0, int64_t rows,
                                                int64_t row_stride) {
  constexpr int kChunks = kCols / 8;  // 16-byte chunks per row
  constexpr int kPerThread = kRows * kChunks / kThreads;
  static_assert(kCols % 8 == 0 && kLd % 8 == 0 && (kRows * kChunks) % kThreads == 0,
                "whole 16-byte chunks, evenly spread over the block");
#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
    const int idx = threadIdx.x + i * kThreads;
    const int r = idx / kChunks, c = (idx % kChunks) * 8;
    const bool valid = row0 + r < rows;
    cp_async_16(dst + r * kLd + c, valid ? src + (row0 + r) * row_stride + c : src, valid);
  }
}

}  // namespace lightvl::cuda
