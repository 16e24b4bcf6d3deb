// CUDA softmax attention on tensor cores (bf16 prefill): a flash-style kernel with WMMA 16×16×16 bf16
// products and f32 accumulation.
//
// Rows and tiles. As in attention.cu, the (token, head) rows sharing KV head g are numbered ρ = t·group
// + (h mod group), so one K/V tile serves the whole GQA group. A block of 4 warps owns 64 rows (16 per
// warp) of one KV head and walks the keys in tiles of 64, staged in shared memory as bf16 with 16-byte
// loads (all of a thread's loads issued before its stores). Per tile and warp:
//   S = Q·Kᵀ           WMMA, Q fragments held in registers for the whole walk, S stored as f32;
//   online softmax     two lanes per row: scale, causal/range mask, running max m and sum l, P = e^(S−m)
//                      rounded to bf16, and the row's f32 output rescaled by e^(m_old − m_new);
//   O += P·V           WMMA, O kept as f32 in shared memory (loaded into and stored from accumulator
//                      fragments, since a fragment's element-to-row mapping is not part of the API).
// At the end each row is divided by l and rounded to bf16 once.
// Precision: f32 scores (bf16 products are exact in f32), f32 softmax statistics and accumulation; the
// probabilities enter P·V rounded to bf16 (2^-9 relative), as in FlashAttention.
// Limits: bf16 only, head_dim 64 or 128, 16-byte aligned tensors; shared memory 2·64·(d + 8)·3 +
// 4·64·68 + 2·64·72 + 4·64·(d + 4) bytes (110 KB at d = 128: two blocks per H100/H200 SM, one per A100).
// No split of the key sequence: used when there are ≥ 64 rows per KV head (prefill), not for decode.
#include <mma.h>

#include "backends/cuda/attention_tensor_core.h"
#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {
namespace {

using namespace nvcuda;

constexpr int kWarps = 4;
constexpr int kRows = 64;  // rows per block, 16 per warp
constexpr int kKeys = 64;  // keys per tile
constexpr int kLdS = kKeys + 4;  // f32 scores, row stride (floats)
constexpr int kLdP = kKeys + 8;  // bf16 probabilities, row stride (elements)

template <int kD> struct Layout {
  static constexpr int kLdQ = kD + 8;  // bf16 rows padded by 16 bytes against bank conflicts
  static constexpr int kLdO = kD + 4;  // f32 output rows
  static constexpr size_t kQ = 0;
  static constexpr size_t kK = kQ + sizeof(bf16) * kRows * kLdQ;
  static constexpr size_t kV = kK + sizeof(bf16) * kKeys * kLdQ;
  static constexpr size_t kS = kV + sizeof(bf16) * kKeys * kLdQ;
  static constexpr size_t kP = kS + sizeof(float) * kRows * kLdS;
  static constexpr size_t kO = kP + sizeof(bf16) * kRows * kLdP;
  static constexpr size_t kBytes = kO + sizeof(float) * kRows * kLdO;
  static_assert(kK % 128 == 0 && kV % 128 == 0 && kS % 128 == 0 && kP % 128 == 0 && kO % 128 == 0,
                "WMMA needs 32-byte aligned tiles");
};

template <int kD>
__global__ void __launch_bounds__(kWarps * 32) attention_tc_kernel(const bf16* q, const bf16* k, const bf16* v, bf16* out,
                                                                   AttentionShape p) {
  using L = Layout<kD>;
  extern __shared__ __align__(128) unsigned char smem[];
  bf16* q_s = reinterpret_cast<bf16*>(smem + L::kQ);
  bf16* k_s = reinterpret_cast<bf16*>(smem + L::kK);
  bf16* v_s = reinterpret_cast<bf16*>(smem + L::kV);
  float* s_s = reinterpret_cast<float*>(smem + L::kS);
  bf16* p_s = reinterpret_cast<bf16*>(smem + L::kP);
  float* o_s = reinterpret_cast<float*>(smem + L::kO);
  constexpr int kVec = 8;  // bf16 per 16-byte load
  constexpr int kVecsPerRow = kD / kVec;

  const int g = blockIdx.y, lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t rows_total = p.tokens * p.group;
  const int64_t row0 = int64_t(blockIdx.x) * kRows;

  for (int idx = threadIdx.x; idx < kRows * kVecsPerRow; idx += blockDim.x) {
    const int r = idx / kVecsPerRow, c = (idx % kVecsPerRow) * kVec;
    const int64_t rho = row0 + r;
    uint4 value = make_uint4(0, 0, 0, 0);
    if (rho < rows_total) {
      const int64_t t = rho / p.group;
      const int h = g * p.group + int(rho % p.group);
      value = *reinterpret_cast<const uint4*>(q + (t * p.q_heads + h) * kD + c);
    }
    *reinterpret_cast<uint4*>(q_s + r * L::kLdQ + c) = value;
  }
  __syncthreads();

  // Per-warp state: Q fragments; per row (lane pair): limit, running max and sum.
  wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> q_frag[kD / 16];
#pragma unroll
  for (int kk = 0; kk < kD / 16; ++kk) wmma::load_matrix_sync(q_frag[kk], q_s + warp * 16 * L::kLdQ + kk * 16, L::kLdQ);
  const int my_row = warp * 16 + (lane >> 1);  // block-local row of this lane pair
  const int half = lane & 1;                   // which half of the row's columns this lane handles
  const int64_t rho = row0 + my_row;
  const int64_t limit = rho >= rows_total ? 0 : (p.causal ? p.past + rho / p.group + 1 : p.keys);
  float m = -INFINITY, l = 0.0f;
  for (int c = half * (kD / 2); c < (half + 1) * (kD / 2); ++c) o_s[my_row * L::kLdO + c] = 0.0f;

  int64_t key_end = p.keys;
  if (p.causal) key_end = min64(key_end, p.past + (min64(row0 + kRows, rows_total) - 1) / p.group + 1);

  for (int64_t tile = 0; tile < key_end; tile += kKeys) {
    __syncthreads();  // every warp is done with the previous K/V tile
    // All of this thread's 16-byte loads first, then the shared-memory stores, so the loads overlap.
    constexpr int kLoads = kKeys * kVecsPerRow / (kWarps * 32);
    uint4 k_buf[kLoads], v_buf[kLoads];
#pragma unroll
    for (int i = 0; i < kLoads; ++i) {
      const int idx = threadIdx.x + i * kWarps * 32;
      const int64_t s = tile + idx / kVecsPerRow;
      k_buf[i] = v_buf[i] = make_uint4(0, 0, 0, 0);
      if (s < key_end) {
        const int64_t offset = (s * p.kv_heads + g) * kD + (idx % kVecsPerRow) * kVec;
        k_buf[i] = *reinterpret_cast<const uint4*>(k + offset);
        v_buf[i] = *reinterpret_cast<const uint4*>(v + offset);
      }
    }
#pragma unroll
    for (int i = 0; i < kLoads; ++i) {
      const int idx = threadIdx.x + i * kWarps * 32;
      const int j = idx / kVecsPerRow, c = (idx % kVecsPerRow) * kVec;
      *reinterpret_cast<uint4*>(k_s + j * L::kLdQ + c) = k_buf[i];
      *reinterpret_cast<uint4*>(v_s + j * L::kLdQ + c) = v_buf[i];
    }
    __syncthreads();

    // S = Q·Kᵀ for this warp's 16 rows: Kᵀ is K read column-major.
#pragma unroll
    for (int n = 0; n < kKeys / 16; ++n) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> s_frag;
      wmma::fill_fragment(s_frag, 0.0f);
#pragma unroll
      for (int kk = 0; kk < kD / 16; ++kk) {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major> k_frag;
        wmma::load_matrix_sync(k_frag, k_s + n * 16 * L::kLdQ + kk * 16, L::kLdQ);
        wmma::mma_sync(s_frag, q_frag[kk], k_frag, s_frag);
      }
      wmma::store_matrix_sync(s_s + warp * 16 * kLdS + n * 16, s_frag, kLdS, wmma::mem_row_major);
    }
    __syncwarp();

    // Online softmax: this lane covers columns [half·32, half·32 + 32) of its row.
    const float* s_row = s_s + my_row * kLdS + half * (kKeys / 2);
    float tile_max = -INFINITY;
    for (int j = 0; j < kKeys / 2; ++j) {
      const int64_t s = tile + half * (kKeys / 2) + j;
      if (s < key_end && s < limit) tile_max = fmaxf(tile_max, s_row[j] * p.scale);
    }
    tile_max = fmaxf(tile_max, __shfl_xor_sync(kFullMask, tile_max, 1));
    const float m_new = fmaxf(m, tile_max);
    float sum = 0.0f;
    bf16* p_row = p_s + my_row * kLdP + half * (kKeys / 2);
    for (int j = 0; j < kKeys / 2; ++j) {
      const int64_t s = tile + half * (kKeys / 2) + j;
      const float w = (s < key_end && s < limit && m_new != -INFINITY) ? expf(s_row[j] * p.scale - m_new) : 0.0f;
      sum += w;
      p_row[j] = __float2bfloat16_rn(w);
    }
    sum += __shfl_xor_sync(kFullMask, sum, 1);
    const float correction = (m == -INFINITY) ? (m_new == -INFINITY ? 1.0f : 0.0f) : expf(m - m_new);
    l = l * correction + sum;
    m = m_new;
    float* o_row = o_s + my_row * L::kLdO + half * (kD / 2);
    for (int c = 0; c < kD / 2; ++c) o_row[c] *= correction;
    __syncwarp();

    // O += P·V for this warp's rows.
    wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> p_frag[kKeys / 16];
#pragma unroll
    for (int kk = 0; kk < kKeys / 16; ++kk) wmma::load_matrix_sync(p_frag[kk], p_s + warp * 16 * kLdP + kk * 16, kLdP);
#pragma unroll
    for (int n = 0; n < kD / 16; ++n) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> o_frag;
      float* o_tile = o_s + warp * 16 * L::kLdO + n * 16;
      wmma::load_matrix_sync(o_frag, o_tile, L::kLdO, wmma::mem_row_major);
#pragma unroll
      for (int kk = 0; kk < kKeys / 16; ++kk) {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major> v_frag;
        wmma::load_matrix_sync(v_frag, v_s + kk * 16 * L::kLdQ + n * 16, L::kLdQ);
        wmma::mma_sync(o_frag, p_frag[kk], v_frag, o_frag);
      }
      wmma::store_matrix_sync(o_tile, o_frag, L::kLdO, wmma::mem_row_major);
    }
    __syncwarp();
  }

  if (rho < rows_total) {
    const int64_t row = (rho / p.group) * p.q_heads + g * p.group + rho % p.group;
    const float inv = l > 0.0f ? 1.0f / l : 0.0f;
    const float* o_row = o_s + my_row * L::kLdO;
    for (int c = half * (kD / 2); c < (half + 1) * (kD / 2); ++c) out[row * kD + c] = __float2bfloat16_rn(o_row[c] * inv);
  }
}

template <int kD>
void launch(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, const AttentionShape& shape) {
  const dim3 grid(unsigned((shape.tokens * shape.group + kRows - 1) / kRows), unsigned(shape.kv_heads));
  constexpr size_t smem = Layout<kD>::kBytes;
  check_cuda(cudaFuncSetAttribute(attention_tc_kernel<kD>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
  attention_tc_kernel<kD><<<grid, kWarps * 32, smem, current_context().stream>>>(
      elements<bf16>(q), elements<bf16>(k), elements<bf16>(v), elements<bf16>(out), shape);
  check_launch();
}

bool aligned16(const Tensor& t) { return reinterpret_cast<uintptr_t>(t.raw()) % 16 == 0; }

}  // namespace

bool tensor_core_attention_fits(DType dtype, const AttentionShape& shape) {
  return dtype == DType::kBF16 && (shape.head_dim == 64 || shape.head_dim == 128) && shape.tokens * shape.group >= kRows;
}

bool tensor_core_attention_applies(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                                   const AttentionShape& shape) {
  return tensor_core_attention_fits(q.dtype(), shape) && aligned16(q) && aligned16(k) && aligned16(v) && aligned16(out);
}

void tensor_core_attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, const AttentionShape& shape) {
  if (shape.head_dim == 64) {
    launch<64>(q, k, v, out, shape);
  } else {
    launch<128>(q, k, v, out, shape);
  }
}

}  // namespace lightvl::cuda
