// Building blocks of the bf16 tensor-core attention kernels (attention_flash.cu, attention_decode.cu): the
// double-buffered stream of K/V tiles and the online softmax on mma.sync fragments. Internal header, .cu
// files only (C++17).
//
// Online softmax. A thread holds two rows of a 16-row tile in the m16n8 C layout (mma.cuh): row lane/4 (index 0) and row
// lane/4 + 8 (index 1), columns 2·(lane mod 4) + {0, 1} of every n8-tile; the quad (lanes 4r … 4r + 3)
// holds a row together. Scores arrive scaled to the log2 domain (scale · log2 e) and masked with −∞. Per
// row the state is the running max m and this thread's part of the running sum l (unrounded f32 weights;
// the quad's parts are added at the end); the accumulator O is kODims / 8 n8-tiles of C fragments.
#pragma once

#include "backends/cuda/common.cuh"
#include "backends/cuda/mma.cuh"

namespace lightvl::cuda {

// Block-wide step j of a stream of K/V tiles of kKeys keys (keys [first, end) of a head; row stride
// kv_stride) through two shared buffers each (k_s, v_s: buffer b at b·tile_elems): issues tile j + 1
// into the other buffer with cp.async, then waits until tile j has landed and every thread sees it.
// Tile 0 must have been issued (and committed) before step 0; the caller ends each step with a block
// barrier before step j + 1 refills the buffer of step j − 1. Returns the buffer holding tile j.
template <int kKeys, int kD, int kLd, int kThreads>
__device__ __forceinline__ int next_kv_tile(bf16* k_s, bf16* v_s, int tile_elems, const bf16* k_head,
                                            const bf16* v_head, int j, int tiles, int64_t first, int64_t end,
                                            int64_t kv_stride) {
  const int buf = j & 1;
  if (j + 1 < tiles) {
    const int64_t next = first + int64_t(j + 1) * kKeys;
    load_tile_async<kKeys, kD, kLd, kThreads>(k_s + (buf ^ 1) * tile_elems, k_head, next, end, kv_stride);
    load_tile_async<kKeys, kD, kLd, kThreads>(v_s + (buf ^ 1) * tile_elems, v_head, next, end, kv_stride);
  }
  cp_async_commit();  // possibly empty, so that wait_group 1 always means "tile j has landed"
  cp_async_wait<1>();
  __syncthreads();
  return buf;
}

// Folds a tile of scores s (kN n8-tiles) into the running maxima: m becomes the max over m and the tile
// (reduced over the quad), l and o are rescaled by 2^(m_old − m_new), and base[r] is what the tile's
// weights subtract: m_new, or 0 for a row that has seen no visible key yet (its weights are then 0).
template <int kN, int kODims>
__device__ __forceinline__ void online_softmax_rescale(const float (&s)[kN][4], float (&m)[2], float (&l)[2],
                                                       float (&o)[kODims / 8][4], float (&base)[2]) {
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    float mx = m[r];
#pragma unroll
    for (int n = 0; n < kN; ++n) mx = fmaxf(mx, fmaxf(s[n][2 * r], s[n][2 * r + 1]));
    mx = fmaxf(mx, __shfl_xor_sync(kFullMask, mx, 1));
    mx = fmaxf(mx, __shfl_xor_sync(kFullMask, mx, 2));
    base[r] = mx == -INFINITY ? 0.0f : mx;
    const float correction = exp2f(m[r] - base[r]);
    m[r] = mx;
    l[r] *= correction;
#pragma unroll
    for (int n = 0; n < kODims / 8; ++n) {
      o[n][2 * r] *= correction;
      o[n][2 * r + 1] *= correction;
    }
  }
}

// The A fragment of P for one k16 slice of keys, from the C fragments of its two n8-tiles of scores
// (lo: keys 0-7, hi: keys 8-15): weights 2^(s − base) rounded to bf16, their f32 values added to l.
__device__ __forceinline__ void online_softmax_weights(const float (&lo)[4], const float (&hi)[4],
                                                       const float (&base)[2], float (&l)[2], uint32_t (&a)[4]) {
  const float* tiles[2] = {lo, hi};
#pragma unroll
  for (int half = 0; half < 2; ++half) {
    const float* c = tiles[half];
    const float w0 = exp2f(c[0] - base[0]), w1 = exp2f(c[1] - base[0]);
    const float w2 = exp2f(c[2] - base[1]), w3 = exp2f(c[3] - base[1]);
    l[0] += w0 + w1;
    l[1] += w2 + w3;
    a[2 * half] = pack_bf16(w0, w1);
    a[2 * half + 1] = pack_bf16(w2, w3);
  }
}

// True for a tensor the bf16 tile kernels can stage with 16-byte copies: bf16, on the CUDA device, rank 3,
// 16-byte aligned (dense rows are the callers' shape checks).
inline bool bf16_tile_operand(const Tensor& t) {
  return t.dtype() == DType::kBF16 && t.device() == Device::kCuda && t.rank() == 3 &&
         reinterpret_cast<uintptr_t>(t.raw()) % 16 == 0;
}

}  // namespace lightvl::cuda
