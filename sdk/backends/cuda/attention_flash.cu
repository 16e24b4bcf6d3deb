// bf16 softmax attention, FlashAttention-2 style: register-resident accumulators, mma.sync m16n8k16
// (bf16 × bf16 → f32) via inline PTX, ldmatrix from padded shared tiles, cp.async double buffering.
// ops::attention dispatches here for bf16 calls of at least 64 queries (attention.cu); validated against
// the CPU reference and the older tensor-core kernel by tests/gpu/test_attention_flash_parity.cpp.
//
// Work split. Grid (Hq, ⌈T / 64⌉, sequences): a block of 4 warps takes 64 consecutive queries of ONE
// query head h (warp w: rows 16w … 16w + 15) and reads KV head g = h / (Hq / Hkv). K/V tiles are NOT shared across
// the GQA group: each query head streams its KV head's tiles itself (the group's reuse comes from L2).
// Query tiles are issued last-first so the longest causal rows start in the first wave.
// Pipeline. The Q tile is staged once (cp.async) and moved into registers with ldmatrix.x4 (A
// fragments for all d / 16 k-slices). Keys are walked in tiles of 64 in ascending order; K and V tiles
// are double-buffered: tile j + 1 is issued with cp.async (16-byte, zero-fill past S) before tile j is
// used, two block barriers per tile. Causal blocks stop at the last key any of their rows can see, so
// fully masked tiles are never loaded; per-element masking runs only on tiles that cross the diagonal
// or the end of the keys.
// Per tile and warp (16 rows × 64 keys):
//   S = Q·Kᵀ   K read with ldmatrix.x4 (non-transposed: the B operand "col" is K's row-major [key][dim]),
//              32 f32 accumulators per thread (8 n8-tiles × 4);
//   softmax    S scaled by scale·log2(e); the thread holds rows r = lane/4 and r + 8, columns
//              2·(lane mod 4) + {0, 1} of every n8-tile (the m16n8 C layout of the PTX ISA), so the
//              row max is a max over 16 values and two xor-shuffles (1, 2) inside the quad. Running max
//              m and per-thread partial sum l stay in registers; O is rescaled by 2^(m_old − m_new);
//              P = 2^(S − m) rounded to bf16 (l sums the unrounded f32 values);
//   O += P·V   the C fragments of two adjacent n8-tiles of S are exactly the A fragment of one k16
//              slice of P (a0, a1: tile 2k c0c1, c2c3; a2, a3: tile 2k + 1), so P never leaves
//              registers; V read with ldmatrix.x4.trans ([key][dim] rows become the k-major B operand).
// O is d / 8 n8-tiles × 4 f32 per thread (64 registers at d = 128). At the end l is reduced over the
// quad, each row divided by l (0 for a row that saw no key) and stored as bf16 pairs.
// Fragment layouts (PTX ISA, mma.m16n8k16 .bf16; g = lane / 4, c = 2·(lane mod 4)): A a0 (g, c..c+1),
// a1 (g + 8, c..), a2 (g, c + 8..), a3 (g + 8, c + 8..); B b0 (k = c..c+1, n = g), b1 (k = c + 8.., n = g);
// C c0c1 (g, c..c+1), c2c3 (g + 8, c..c+1).
// Precision: bf16 products are exact in f32; f32 scores, statistics and accumulation; exp2f
// (ex2.approx, ≈ 2 ulp) on log2e-scaled scores instead of expf; P rounded to bf16 (2^-9 relative)
// before P·V, as in FlashAttention; output rounded to bf16 once.
// Shared memory per block: 5 tiles of 64 × (d + 8) bf16 (Q, 2 × K, 2 × V; rows padded by 16 bytes so
// ldmatrix's 8 row addresses hit distinct banks): 87,040 bytes at d = 128 (two blocks per H100/H200
// SM), 46,080 at d = 64. Registers (ptxas, CUDA 13): 233 at d = 128 and 160 at d = 64 on sm_90 (235 / 154
// on sm_80), no spills; __launch_bounds__(128, 2) keeps two blocks per SM within the register file.
// Sequences. Stacked independent sequences of equal length (the ViT's tiles) run in one launch, grid z
// choosing the sequence: its rows start at z·T (queries) and z·S (keys).
// Limits: bf16 only; d ∈ {64, 128}; Hq a multiple of Hkv; every tensor 16-byte aligned and dense;
// ⌈T / 64⌉ ≤ 65535 (grid y) and ≤ 65535 sequences (grid z); S may be anything ≥ 0 (S = 0 gives zeros); scale > 0 not required.
#include "backends/cuda/attention_flash.h"

#include <cstdint>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/attention_mma.cuh"
#include "backends/cuda/mma.cuh"

namespace lightvl::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kThreadsPerBlock = kWarps * 32;
constexpr int kRows = 64;  // queries per block, 16 per warp
constexpr int kKeys = 64;  // keys per tile
constexpr float kLog2e = 1.4426950408889634f;

template <int kD> struct FlashLayout {
  static constexpr int kLd = kD + 8;          // bf16 row stride of every shared tile
  static constexpr int kTile = kRows * kLd;   // elements per tile (kRows == kKeys)
  static constexpr size_t kBytes = sizeof(bf16) * 5 * kTile;  // Q, K[2], V[2]
  static_assert(kRows == kKeys, "one tile shape serves Q, K and V");
};

struct FlashParams {
  const bf16* q;
  const bf16* k;
  const bf16* v;
  bf16* out;
  int64_t tokens, keys, past;  // per sequence
  int q_heads, kv_heads, group;
  bool causal;
  float scale_log2;  // scale · log2(e)
};

template <int kD>
__global__ void __launch_bounds__(kThreadsPerBlock, 2) attention_flash_kernel(FlashParams p) {
  using L = FlashLayout<kD>;
  constexpr int kLd = L::kLd;
  extern __shared__ __align__(128) unsigned char smem[];
  bf16* q_s = reinterpret_cast<bf16*>(smem);
  bf16* k_s = q_s + L::kTile;      // buffers 0 and 1
  bf16* v_s = k_s + 2 * L::kTile;  // buffers 0 and 1

  const int h = blockIdx.x, g = h / p.group;
  const int64_t m0 = int64_t(gridDim.y - 1 - blockIdx.y) * kRows;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int quad_row = lane >> 2, quad_col = (lane & 3) * 2;

  // Keys this block visits: all S, or (causal) up to the last key its last valid row sees.
  int64_t key_end = p.keys;
  if (p.causal) key_end = min64(key_end, p.past + min64(m0 + kRows, p.tokens));
  const int tiles = int((key_end + kKeys - 1) / kKeys);

  const int64_t q_stride = int64_t(p.q_heads) * kD, kv_stride = int64_t(p.kv_heads) * kD;
  const int64_t q_base = int64_t(blockIdx.z) * p.tokens * q_stride;  // this block's sequence
  const int64_t kv_base = int64_t(blockIdx.z) * p.keys * kv_stride;
  const bf16* q_head = p.q + q_base + int64_t(h) * kD;
  const bf16* k_head = p.k + kv_base + int64_t(g) * kD;
  const bf16* v_head = p.v + kv_base + int64_t(g) * kD;
  load_tile_async<kRows, kD, kLd, kThreadsPerBlock>(q_s, q_head, m0, p.tokens, q_stride);
  if (tiles > 0) {
    load_tile_async<kRows, kD, kLd, kThreadsPerBlock>(k_s, k_head, 0, p.keys, kv_stride);
    load_tile_async<kRows, kD, kLd, kThreadsPerBlock>(v_s, v_head, 0, p.keys, kv_stride);
  }
  cp_async_commit();
  cp_async_wait<0>();
  __syncthreads();

  // Q as A fragments: matrices (rows 0-7, cols 0-7), (8-15, 0-7), (0-7, 8-15), (8-15, 8-15) = a0..a3.
  uint32_t q_frag[kD / 16][4];
  load_a_fragments<kD>(q_frag, q_s, warp * 16, kLd, lane);

  // This thread's two rows: queries t_r = m0 + 16·warp + lane/4 + 8r; keys below limit[r] are visible.
  const int64_t t_first = m0 + warp * 16 + quad_row;
  int64_t limit[2];
  float m[2], l[2];
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    limit[r] = p.causal ? min64(p.keys, p.past + t_first + 8 * r + 1) : p.keys;
    m[r] = -INFINITY;
    l[r] = 0.0f;
  }
  float o[kD / 8][4];
#pragma unroll
  for (int n = 0; n < kD / 8; ++n) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;

  for (int j = 0; j < tiles; ++j) {
    const int buf = next_kv_tile<kKeys, kD, kLd, kThreadsPerBlock>(k_s, v_s, L::kTile, k_head, v_head, j, tiles, 0,
                                                                   p.keys, kv_stride);
    const bf16* k_t = k_s + buf * L::kTile;
    const bf16* v_t = v_s + buf * L::kTile;

    // S = Q·Kᵀ. One ldmatrix.x4 gives b0, b1 of keys n..n+7 (regs 0, 1) and n+8..n+15 (regs 2, 3).
    float s[kKeys / 8][4];
#pragma unroll
    for (int n = 0; n < kKeys / 8; ++n) s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
    mma_a_bt<kKeys, kD>(s, q_frag, k_t, kLd, lane);

    // Online softmax in the log2 domain; masking only where the tile crosses the diagonal or S.
    const int64_t n0 = int64_t(j) * kKeys;
    const bool masked = n0 + kKeys > p.keys || (p.causal && n0 + kKeys - 1 > p.past + m0);
#pragma unroll
    for (int n = 0; n < kKeys / 8; ++n) {
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        s[n][e] *= p.scale_log2;
        if (masked && n0 + n * 8 + quad_col + (e & 1) >= limit[e >> 1]) s[n][e] = -INFINITY;
      }
    }
    float base[2];
    online_softmax_rescale<kKeys / 8, kD>(s, m, l, o, base);

    // O += P·V, one k16 slice (16 keys) of P at a time, built from the C fragments of S in place.
#pragma unroll
    for (int kk = 0; kk < kKeys / 16; ++kk) {
      uint32_t a[4];
      online_softmax_weights(s[2 * kk], s[2 * kk + 1], base, l, a);
      mma_a_b_slice<kD>(o, a, v_t + kk * 16 * kLd, kLd, lane);
    }
    __syncthreads();  // every warp is done with buffer `buf` before iteration j + 1 refills it
  }

  // Normalise and store: row t_r, columns 8n + 2·(lane mod 4) + {0, 1} as bf16 pairs.
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    float sum = l[r];
    sum += __shfl_xor_sync(kFullMask, sum, 1);
    sum += __shfl_xor_sync(kFullMask, sum, 2);
    const int64_t t = t_first + 8 * r;
    if (t >= p.tokens) continue;
    const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
    bf16* row = p.out + q_base + (t * p.q_heads + h) * kD + quad_col;
#pragma unroll
    for (int n = 0; n < kD / 8; ++n) {
      *reinterpret_cast<uint32_t*>(row + n * 8) = pack_bf16(o[n][2 * r] * inv, o[n][2 * r + 1] * inv);
    }
  }
}

template <int kD> void launch(const FlashParams& p, int64_t sequences) {
  const dim3 grid(unsigned(p.q_heads), unsigned((p.tokens + kRows - 1) / kRows), unsigned(sequences));
  constexpr size_t smem = FlashLayout<kD>::kBytes;
  check_cuda(cudaFuncSetAttribute(attention_flash_kernel<kD>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
  attention_flash_kernel<kD><<<grid, kThreadsPerBlock, smem, current_context().stream>>>(p);
  check_launch();
}

}  // namespace

bool attention_flash_supported(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                               int64_t sequences) {
  if (!bf16_tile_operand(q) || !bf16_tile_operand(k) || !bf16_tile_operand(v) || !bf16_tile_operand(out)) return false;
  if (sequences < 1 || sequences > 65535 || q.dim(0) % sequences != 0 || k.dim(0) % sequences != 0) return false;
  const int64_t d = q.dim(2), hq = q.dim(1), hkv = k.dim(1), tokens = q.dim(0) / sequences;
  return (d == 64 || d == 128) && k.dim(2) == d && v.shape() == k.shape() && out.shape() == q.shape() && hkv > 0 &&
         hq % hkv == 0 && tokens >= 1 && (tokens + kRows - 1) / kRows <= 65535;
}

void attention_flash(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
                     Tensor& out, int64_t sequences) {
  require(attention_flash_supported(q, k, v, out, sequences), ErrorCode::kUnsupported,
          "attention_flash: needs bf16 CUDA tensors q [n·T, Hq, d], k/v [n·S, Hkv, d] for n sequences, out like "
          "q, d 64 or 128, Hq a multiple of Hkv, 16-byte aligned");
  FlashParams p;
  p.q = elements<bf16>(q);
  p.k = elements<bf16>(k);
  p.v = elements<bf16>(v);
  p.out = elements<bf16>(out);
  p.tokens = q.dim(0) / sequences;
  p.keys = k.dim(0) / sequences;
  p.past = past;
  p.q_heads = int(q.dim(1));
  p.kv_heads = int(k.dim(1));
  p.group = p.q_heads / p.kv_heads;
  p.causal = causal;
  p.scale_log2 = scale * kLog2e;
  if (q.dim(2) == 64) {
    launch<64>(p, sequences);
  } else {
    launch<128>(p, sequences);
  }
}

}  // namespace lightvl::cuda
