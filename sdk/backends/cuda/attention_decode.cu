// bf16 decode attention on tensor cores, split along the keys (flash-decoding): the few query rows of a
// decode step (one token's GQA group of query heads per KV head) against a long key/value cache.
//
// Why a kernel of its own. A decode step reads the whole cache once and does 8 FLOP per byte of it (a
// score and a weighted value per key and query row): at HBM speed that is more f32 work than CUDA cores
// do comfortably, so the CUDA-core kernel (attention.cu) reached only 14-15 % of bandwidth at 32k-128k
// keys. Here the products run on tensor cores and the CUDA cores only do the softmax bookkeeping.
// Work split. Grid (Hkv, splits): a block of 4 warps takes one KV head g and one contiguous slice of the
// keys. Its query rows are the (token t, query head h) pairs of that KV head, ρ = t·group + (h mod group)
// (at most 16: one m16 tile, rows past the end zero), staged once with cp.async and held as A fragments
// by every warp. Keys are walked in tiles of 64 with cp.async double buffering (K and V, 16-byte chunks,
// zero-fill past the slice); warp w takes keys 16w … 16w + 15 of each tile, so the four warps keep four
// independent online softmaxes over interleaved key subsets.
// Per tile and warp: S = Q·Kᵀ (16 × 16: two n8-tiles, d / 16 k-slices, K read with ldmatrix), scores
// scaled by scale·log2(e), masked outside the slice and (causal) beyond each row's position, running max
// and sum per row (two xor-shuffles inside the quad), O rescaled, P = 2^(S − m) rounded to bf16 and
// O += P·V (one k16 slice; the C fragments of S are P's A fragment; V read with ldmatrix.trans).
// End of the block: each warp's (m, l, O) goes to shared memory (reusing the tile buffers) and the block
// merges the four: M = max m_w, L = Σ l_w 2^(m_w − M), O = Σ O_w 2^(m_w − M). With one slice the row is
// written as O / L (bf16); otherwise (O, M·ln 2, L) go to f32 scratch and combine_key_splits()
// (attention_splits.cuh) merges the slices. A slice with no visible key reports M = −∞ and is skipped.
// Cached form: with past_at set, past is read from device memory when the kernel runs, the keys are
// min(past + T, capacity), and each block sizes its slice from them; the grid (slice count) depends
// only on the capacity, so a recorded decode graph replays it at any fill level.
// Precision: as attention_flash.cu, whose tile stream and online softmax it shares (attention_mma.cuh):
// f32 scores and statistics, exp2f, P rounded to bf16, output rounded once. Shared memory: (16 + 4·64) rows of (d + 8) bf16 = 73,984 bytes at d = 128 (three blocks per
// H100/H200 SM; sm_80 has room for two). Limits: bf16, causal, d ∈ {64, 128}, ≤ 16 rows per KV head,
// ≤ 65535 slices, every tensor dense and 16-byte aligned.
#include "backends/cuda/attention_decode.h"

#include <algorithm>
#include <cstdint>

#include "backends/cuda/attention_mma.cuh"
#include "backends/cuda/attention_splits.cuh"
#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"
#include "backends/cuda/mma.cuh"

namespace lightvl::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kThreadsPerBlock = kWarps * 32;
constexpr int kRows = 16;          // query rows per KV head: one m16 tile
constexpr int kKeys = 64;          // keys per tile, 16 per warp
constexpr int64_t kMinKeys = 256;  // per slice
constexpr float kLog2e = 1.4426950408889634f;
constexpr float kLn2 = 0.6931471805599453f;

template <int kD> struct DecodeLayout {
  static constexpr int kLd = kD + 8;  // bf16 row stride of the shared tiles (16-byte padding)
  static constexpr int kQ = kRows * kLd;
  static constexpr int kTile = kKeys * kLd;
  static constexpr size_t kBytes = sizeof(bf16) * (kQ + 4 * kTile);  // Q, K[2], V[2]
  // The warps' partial results, written over the K/V tiles after the last one is consumed.
  static constexpr size_t kPartialBytes = sizeof(float) * (kWarps * kRows * kD + 2 * kWarps * kRows);
  static_assert(kPartialBytes <= sizeof(bf16) * 4 * kTile, "the partials fit in the tile buffers");
};

struct DecodeParams {
  const bf16* q;
  const bf16* k;
  const bf16* v;
  bf16* out;
  float* part_acc;    // nullptr: one slice, write `out` directly
  float* part_stats;
  const int64_t* past_at;  // cached form: past in device memory, `keys` is then the capacity
  int64_t tokens, keys, past, keys_per_split;
  int q_heads, kv_heads, group;
  float scale_log2;  // scale · log2(e)
};

template <int kD>
__global__ void __launch_bounds__(kThreadsPerBlock, 3) attention_decode_kernel(DecodeParams p) {
  using L = DecodeLayout<kD>;
  constexpr int kLd = L::kLd;
  extern __shared__ __align__(128) unsigned char smem[];
  bf16* q_s = reinterpret_cast<bf16*>(smem);
  bf16* k_s = q_s + L::kQ;         // buffers 0 and 1
  bf16* v_s = k_s + 2 * L::kTile;  // buffers 0 and 1

  const int g = blockIdx.x, split = blockIdx.y;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int quad_row = lane >> 2, quad_col = (lane & 3) * 2;
  const int rows = int(p.tokens) * p.group;

  // This slice's keys [begin, end): all keys up to the last position any row sees.
  int64_t past = p.past, keys_per_split = p.keys_per_split, keys = p.past + p.tokens;
  if (p.past_at != nullptr) {
    past = *p.past_at;
    keys = min64(past + p.tokens, p.keys);
    const int64_t per = (keys + gridDim.y - 1) / gridDim.y;
    keys_per_split = (per + kKeys - 1) / kKeys * kKeys;
  }
  const int64_t begin = int64_t(split) * keys_per_split;
  const int64_t end = min64(keys, begin + keys_per_split);
  const int tiles = begin < end ? int((end - begin + kKeys - 1) / kKeys) : 0;

  const int64_t kv_stride = int64_t(p.kv_heads) * kD;
  const bf16* k_head = p.k + int64_t(g) * kD;
  const bf16* v_head = p.v + int64_t(g) * kD;
  // Q rows ρ < rows: token ρ / group, query head g·group + ρ mod group.
  for (int idx = threadIdx.x; idx < kRows * (kD / 8); idx += kThreadsPerBlock) {
    const int r = idx / (kD / 8), c = (idx % (kD / 8)) * 8;
    const bool valid = r < rows;
    const bf16* src = p.q + ((r / p.group) * int64_t(p.q_heads) + g * p.group + r % p.group) * kD + c;
    cp_async_16(q_s + r * kLd + c, valid ? src : p.q, valid);
  }
  if (tiles > 0) {
    load_tile_async<kKeys, kD, kLd, kThreadsPerBlock>(k_s, k_head, begin, end, kv_stride);
    load_tile_async<kKeys, kD, kLd, kThreadsPerBlock>(v_s, v_head, begin, end, kv_stride);
  }
  cp_async_commit();
  cp_async_wait<0>();
  __syncthreads();

  uint32_t q_frag[kD / 16][4];
  load_a_fragments<kD>(q_frag, q_s, 0, kLd, lane);

  // This thread's rows quad_row and quad_row + 8: keys below limit[r] are visible (none for padding).
  int64_t limit[2];
  float m[2], l[2];
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    const int rho = quad_row + 8 * r;
    limit[r] = rho < rows ? min64(end, past + rho / p.group + 1) : 0;
    m[r] = -INFINITY;
    l[r] = 0.0f;
  }
  float o[kD / 8][4];
#pragma unroll
  for (int n = 0; n < kD / 8; ++n) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;

  for (int j = 0; j < tiles; ++j) {
    const int buf = next_kv_tile<kKeys, kD, kLd, kThreadsPerBlock>(k_s, v_s, L::kTile, k_head, v_head, j, tiles, begin,
                                                                   end, kv_stride);
    const bf16* k_w = k_s + buf * L::kTile + warp * 16 * kLd;  // this warp's 16 keys
    const bf16* v_w = v_s + buf * L::kTile + warp * 16 * kLd;

    float s[2][4] = {{0.0f, 0.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}};
    mma_a_bt<16, kD>(s, q_frag, k_w, kLd, lane);

    const int64_t n0 = begin + int64_t(j) * kKeys + warp * 16;
#pragma unroll
    for (int n = 0; n < 2; ++n) {
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const bool visible = n0 + n * 8 + quad_col + (e & 1) < limit[e >> 1];
        s[n][e] = visible ? s[n][e] * p.scale_log2 : -INFINITY;
      }
    }
    float base[2];
    online_softmax_rescale<2, kD>(s, m, l, o, base);
    uint32_t a[4];
    online_softmax_weights(s[0], s[1], base, l, a);
    mma_a_b_slice<kD>(o, a, v_w, kLd, lane);
    __syncthreads();  // every warp is done with buffer `buf` before iteration j + 1 refills it
  }

  // The four warps' partials into shared memory (over the tile buffers, free after the last barrier).
  float* part_o = reinterpret_cast<float*>(k_s);           // [warp][row][kD]
  float* part_m = part_o + kWarps * kRows * kD;            // [warp][row]
  float* part_l = part_m + kWarps * kRows;                 // [warp][row]
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    float sum = l[r];
    sum += __shfl_xor_sync(kFullMask, sum, 1);
    sum += __shfl_xor_sync(kFullMask, sum, 2);
    const int row = quad_row + 8 * r;
    if ((lane & 3) == 0) {
      part_m[warp * kRows + row] = m[r];
      part_l[warp * kRows + row] = sum;
    }
#pragma unroll
    for (int n = 0; n < kD / 8; ++n) {
      float* dst = part_o + (warp * kRows + row) * kD + n * 8 + quad_col;
      dst[0] = o[n][2 * r];
      dst[1] = o[n][2 * r + 1];
    }
  }
  __syncthreads();

  const int64_t rows_out = p.tokens * p.q_heads;
  for (int idx = threadIdx.x; idx < rows * kD; idx += kThreadsPerBlock) {
    const int r = idx / kD, c = idx % kD;
    float big = -INFINITY;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) big = fmaxf(big, part_m[w * kRows + r]);
    float total = 0.0f, acc = 0.0f;
    if (big != -INFINITY) {
#pragma unroll
      for (int w = 0; w < kWarps; ++w) {
        const float mw = part_m[w * kRows + r];
        if (mw == -INFINITY) continue;
        const float f = exp2f(mw - big);
        total += part_l[w * kRows + r] * f;
        acc += part_o[(w * kRows + r) * kD + c] * f;
      }
    }
    const int64_t row = (r / p.group) * int64_t(p.q_heads) + g * p.group + r % p.group;
    if (p.part_acc == nullptr) {
      p.out[row * kD + c] = __float2bfloat16_rn(total > 0.0f ? acc / total : 0.0f);
    } else {
      const int64_t slot = int64_t(split) * rows_out + row;
      p.part_acc[slot * kD + c] = acc;
      if (c == 0) {
        p.part_stats[slot * 2] = big == -INFINITY ? -INFINITY : big * kLn2;  // natural-log units
        p.part_stats[slot * 2 + 1] = total;
      }
    }
  }
}

template <int kD> void launch(const DecodeParams& p, int splits, cudaStream_t stream) {
  const dim3 grid(unsigned(p.kv_heads), unsigned(splits));
  constexpr size_t smem = DecodeLayout<kD>::kBytes;
  check_cuda(cudaFuncSetAttribute(attention_decode_kernel<kD>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
  attention_decode_kernel<kD><<<grid, kThreadsPerBlock, smem, stream>>>(p);
  check_launch();
}

}  // namespace

bool attention_decode_fits(DType dtype, int64_t tokens, int64_t q_heads, int64_t kv_heads, int64_t head_dim) {
  return dtype == DType::kBF16 && (head_dim == 64 || head_dim == 128) && kv_heads > 0 && q_heads % kv_heads == 0 &&
         tokens >= 1 && tokens * (q_heads / kv_heads) <= kRows;
}

bool attention_decode_applies(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out) {
  return bf16_tile_operand(q) && bf16_tile_operand(k) && bf16_tile_operand(v) && bf16_tile_operand(out) && k.dim(2) == q.dim(2) && v.shape() == k.shape() &&
         out.shape() == q.shape() && attention_decode_fits(q.dtype(), q.dim(0), q.dim(1), k.dim(1), q.dim(2));
}

int attention_decode_splits(int64_t kv_heads, int64_t keys, int multiprocessors) {
  const int64_t wanted = (4 * int64_t(multiprocessors) + kv_heads - 1) / std::max<int64_t>(kv_heads, 1);
  const int64_t by_keys = std::max<int64_t>(1, keys / kMinKeys);
  return int(std::clamp<int64_t>(std::min(wanted, by_keys), 1, 65535));
}

void attention_decode(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, const int64_t* past_at,
                      float scale, Tensor& out) {
  const Context& ctx = current_context();
  DecodeParams p;
  p.q = elements<bf16>(q);
  p.k = elements<bf16>(k);
  p.v = elements<bf16>(v);
  p.out = elements<bf16>(out);
  p.past_at = past_at;
  p.tokens = q.dim(0);
  p.keys = k.dim(0);
  p.past = past;
  p.q_heads = int(q.dim(1));
  p.kv_heads = int(k.dim(1));
  p.group = p.q_heads / p.kv_heads;
  p.scale_log2 = scale * kLog2e;
  // The cached form sizes the grid by the capacity; the plain form by the keys the queries see.
  const int64_t keys = past_at ? p.keys : past + p.tokens;
  int splits = attention_decode_splits(p.kv_heads, keys, ctx.multiprocessors);
  p.keys_per_split = ((keys + splits - 1) / splits + kKeys - 1) / kKeys * kKeys;
  if (!past_at) splits = int(std::max<int64_t>(1, (keys + p.keys_per_split - 1) / p.keys_per_split));
  Tensor part_acc, part_stats;
  const int64_t rows_out = p.tokens * p.q_heads;
  if (splits > 1) {
    part_acc = empty(DType::kF32, {splits, rows_out, q.dim(2)});
    part_stats = empty(DType::kF32, {splits, rows_out, 2});
    p.part_acc = part_acc.data<float>();
    p.part_stats = part_stats.data<float>();
  } else {
    p.part_acc = p.part_stats = nullptr;
  }
  if (q.dim(2) == 64) {
    launch<64>(p, splits, ctx.stream);
  } else {
    launch<128>(p, splits, ctx.stream);
  }
  if (splits > 1) {
    combine_key_splits<bf16>(p.part_acc, p.part_stats, p.out, rows_out, int(q.dim(2)), splits, ctx.stream);
  }
}

}  // namespace lightvl::cuda
