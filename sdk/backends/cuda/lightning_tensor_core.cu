// bf16 lightning attention prefill on tensor cores: the chunked form of spec §3.4 made chunk-parallel,
// as in flash-linear-attention's chunk_simple_gla. Per head h (λ = exp(−r_h)) and chunk c of C = 64
// tokens (m ≤ C of them; query j and key i numbered from 0 inside the chunk), with S_c the f32 state
// [d, d] after chunk c and S_(−1) the incoming state:
//     S_c = λ^m·S_(c−1) + (K_c ⊙ λ^(m−1−i))ᵀ·V_c
//     O_c = λ^(j+1)·(Q_c·S_(c−1)) + ((Q_c·K_cᵀ) ⊙ D)·V_c,   D[j, i] = λ^(j−i) for i ≤ j, else 0
// The result does not depend on C except through rounding, so the op's block_size is not used here.
// Decay powers are expf(−r·n) in f32 (n ≤ C), from a per-block table; all are ≤ 1, and large n
// underflows to 0, which is the right limit.
//
// Two kernels per segment of kLightningSegmentTokens tokens (segments run one after the other, each
// starting from the state the previous one left):
//  1. states_kernel: grid (d / W, d / 64, H) with W = 64 state columns at d = 128 (32 at d = 64), 4 warps.
//     A block owns a 64 × W tile of one head's state (rows: key dims, columns: value dims) and walks
//     the segment's chunks in order, its f32 tile of S in registers in the mma C layout (warp w: 16
//     rows, all W columns). Per chunk it first stores S_(c−1) as bf16 into the scratch
//     states[c, h, d, d] (what output_kernel needs), then computes the chunk's (K ⊙ w)ᵀ·V into fresh
//     accumulators and folds it in with an f32 FMA, S ← λ^m·S + KV. The tile's 64 columns of K and W
//     columns of V arrive through a 3-stage cp.async pipeline (two chunks in flight while one is used);
//     each K and V element is read by d / 64 or d / W blocks, mostly from L2. Kᵀ is the A operand
//     (ldmatrix.trans of the [key][dim] tile), V the B operand (ldmatrix.trans). The decayed keys k_i·w_i
//     are not bf16 numbers, so each is split into hi = bf16(k·w) and lo = bf16(k·w − hi) and both are
//     multiplied (two mma per tile): the update is then exact to ≈ 2^-16 of each term instead of 2^-8,
//     which keeps the f32 state within f32 parity of the CPU kernel over long sequences.
//  2. output_kernel: grid (H, chunks), 4 warps, every block independent. Block (h, c) stages Q_c, K_c
//     (first cp.async group), V_c and S_(c−1) (second group) in padded shared tiles; warp w owns queries
//     16w … 16w + 15. It computes the scores Q·Kᵀ for the 16-key slices up to its diagonal only, applies
//     the causal decay mask in f32 and keeps the result as bf16 A fragments (the C fragments of two
//     adjacent n8-tiles are the A fragment of one k16 slice, as in attention_flash.cu); then
//     O = Q·S_(c−1) (S as B operand through ldmatrix.trans), rows scaled by λ^(j+1) in f32, and
//     O += P·V; O is rounded to bf16 once and stored.
// Precision: bf16 products are exact in f32 and accumulate in f32; the state recurrence is f32 with
// hi + lo keys (above); output_kernel reads S_(c−1) rounded to bf16 and rounds the masked scores to bf16
// (2^-8 relative each, as fla does), which bounds the output error well inside the bf16 tolerance.
// Memory per chunk and head: states_kernel reads K, V and writes 2·d² bytes of bf16 state; output_kernel
// reads Q, K, V and that state and writes O: 12·C·d + 4·d² bytes in all, 160 KiB at d = 128 (the minimum,
// reading Q, K, V and writing O once, is 8·C·d = 64 KiB).
// Shared memory: states_kernel 3 · 64 · (72 + W + 8) bf16 (55,296 bytes at d = 128), output_kernel
// (3 · 64 + d) · (d + 8) bf16 (87,040 bytes at d = 128): two blocks of each per H100/H200 SM or more.
// Limits: bf16 only, d ∈ {64, 128}, 16-byte aligned q, k, v, out and 8-byte aligned state; H ≤ 256
// (rates as kernel parameters); any T ≥ 1 (the last chunk may be partial: rows past T are zero-filled on
// load and not stored). Scratch ⌈min(T, segment) / 64⌉ · H · d² bf16 from the caching allocator.
#include "backends/cuda/lightning_tensor_core.h"

#include <algorithm>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"
#include "backends/cuda/mma.cuh"

namespace lightvl::cuda {
namespace {

constexpr int kChunk = int(kLightningChunk);
constexpr int kWarps = 4;
constexpr int kBlockThreads = kWarps * 32;
constexpr int kStateRows = 16 * kWarps;  // state rows (key dims) per states_kernel block, 16 per warp
constexpr int kStages = 3;                // K/V tiles in the states_kernel pipeline
static_assert(kChunk == 16 * kWarps, "output_kernel: one 16-row tile of queries per warp");

template <int kD> struct StatesLayout {
  static constexpr int kCols = kD == 128 ? 64 : 32;  // state columns (value dims) per block
  static constexpr int kLdK = kStateRows + 8;        // bf16 row strides, padded by 16 bytes: the 8 rows of
  static constexpr int kLdV = kCols + 8;             // an ldmatrix hit distinct banks
  static constexpr int kKTile = kChunk * kLdK;       // elements per stage
  static constexpr int kVTile = kChunk * kLdV;
  static constexpr size_t kBytes = sizeof(bf16) * kStages * (kKTile + kVTile);
  static_assert(kD % kStateRows == 0 && kD % kCols == 0 && kCols % 16 == 0, "whole tiles");
};

template <int kD> struct OutputLayout {
  static constexpr int kLd = kD + 8;
  static constexpr int kTile = kChunk * kLd;      // Q, K, V
  static constexpr int kStateTile = kD * kLd;     // S_(c−1)
  static constexpr size_t kBytes = sizeof(bf16) * (3 * kTile + kStateTile);
};

struct StatesParams {
  const bf16* k;   // the segment's first token, [tokens, heads, d]
  const bf16* v;
  float* state;    // [heads, d, d] f32: read at the start, written at the end
  bf16* states;    // [chunks, heads, d, d]: the state before each chunk, bf16
  int64_t tokens;  // in the segment
  int heads;
  LightningRates rates;
};

struct OutputParams {
  const bf16* q;   // the segment's first token, [tokens, heads, d]
  const bf16* k;
  const bf16* v;
  const bf16* states;  // from states_kernel
  bf16* out;
  int64_t tokens;
  int heads;
  LightningRates rates;
};

// decay[n] = λ^n = expf(−rate·n) for n = 0 … kChunk (block-wide; the caller synchronises before use).
__device__ __forceinline__ void fill_decay_table(float* decay, float rate) {
  for (int n = threadIdx.x; n <= kChunk; n += kBlockThreads) decay[n] = expf(-rate * float(n));
}

template <int kD>
__global__ void __launch_bounds__(kBlockThreads, 2) states_kernel(StatesParams p) {
  using L = StatesLayout<kD>;
  constexpr int kNTiles = L::kCols / 8;
  extern __shared__ __align__(128) unsigned char smem[];
  bf16* k_s = reinterpret_cast<bf16*>(smem);   // kStages tiles [kChunk][kLdK]: keys × the block's key dims
  bf16* v_s = k_s + kStages * L::kKTile;       // kStages tiles [kChunk][kLdV]: keys × the block's value dims
  __shared__ float decay[kChunk + 1];

  const int h = blockIdx.z, col0 = blockIdx.x * L::kCols, tile_row0 = blockIdx.y * kStateRows;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int g = lane >> 2, qc = (lane & 3) * 2;
  const int row0 = tile_row0 + warp * 16;  // this warp's first state row
  fill_decay_table(decay, p.rates.r[h]);

  const int64_t row_stride = int64_t(p.heads) * kD;
  const bf16* k_head = p.k + int64_t(h) * kD + tile_row0;
  const bf16* v_head = p.v + int64_t(h) * kD + col0;
  float* state = p.state + int64_t(h) * kD * kD;

  // This thread's part of S (C layout): s[nt][2·half + e] = S[row0 + g + 8·half][col0 + 8·nt + qc + e].
  float s[kNTiles][4];
#pragma unroll
  for (int nt = 0; nt < kNTiles; ++nt) {
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const float2 x = *reinterpret_cast<const float2*>(state + (row0 + g + 8 * half) * kD + col0 + 8 * nt + qc);
      s[nt][2 * half] = x.x;
      s[nt][2 * half + 1] = x.y;
    }
  }

  const int chunks = int((p.tokens + kChunk - 1) / kChunk);
  auto issue = [&](int c) {  // chunk c's K and V tiles into stage c mod kStages; always one group
    if (c < chunks) {
      const int stage = c % kStages;
      load_tile_async<kChunk, kStateRows, L::kLdK, kBlockThreads>(k_s + stage * L::kKTile, k_head,
                                                                  int64_t(c) * kChunk, p.tokens, row_stride);
      load_tile_async<kChunk, L::kCols, L::kLdV, kBlockThreads>(v_s + stage * L::kVTile, v_head, int64_t(c) * kChunk,
                                                                p.tokens, row_stride);
    }
    cp_async_commit();
  };
#pragma unroll
  for (int c = 0; c < kStages - 1; ++c) issue(c);

  for (int c = 0; c < chunks; ++c) {
    issue(c + kStages - 1);  // into the stage chunk c − 1 used, released by the barrier that ended it
    // S_(c−1), the state chunk c's queries see, as bf16 pairs for output_kernel.
    bf16* saved = p.states + (int64_t(c) * p.heads + h) * kD * kD;
#pragma unroll
    for (int nt = 0; nt < kNTiles; ++nt) {
#pragma unroll
      for (int half = 0; half < 2; ++half) {
        *reinterpret_cast<uint32_t*>(saved + (row0 + g + 8 * half) * kD + col0 + 8 * nt + qc) =
            pack_bf16(s[nt][2 * half], s[nt][2 * half + 1]);
      }
    }
    cp_async_wait<kStages - 1>();  // chunk c's group (groups complete in order)
    __syncthreads();
    const bf16* k_t = k_s + (c % kStages) * L::kKTile;
    const bf16* v_t = v_s + (c % kStages) * L::kVTile;
    const int64_t left = p.tokens - int64_t(c) * kChunk;
    const int m = left < kChunk ? int(left) : kChunk;  // tokens in this chunk

    // kv = (K ⊙ w)ᵀ·V for this chunk, w_i = λ^(m−1−i) (0 for rows past the chunk's end). A separate
    // accumulator keeps the tensor cores' summation at the scale of one chunk's contribution.
    float kv[kNTiles][4];
#pragma unroll
    for (int nt = 0; nt < kNTiles; ++nt) kv[nt][0] = kv[nt][1] = kv[nt][2] = kv[nt][3] = 0.0f;
#pragma unroll
    for (int kk = 0; kk < kChunk / 16; ++kk) {
      // Weights of this thread's keys in the A fragment: i = 16kk + qc + {0, 1} (a0, a1), + {8, 9} (a2, a3).
      float w[4];
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int i = 16 * kk + qc + (e & 1) + 8 * (e >> 1);
        w[e] = i < m ? decay[m - 1 - i] : 0.0f;
      }
      // A = Kᵀ (rows: this warp's 16 state rows, k: keys) from the [key][dim] tile, decayed, split into
      // hi + lo.
      uint32_t a[4], hi[4], lo[4];
      ldmatrix_x4_trans(a, k_t + (16 * kk + (lane & 7) + (lane >> 4) * 8) * L::kLdK + warp * 16 +
                               ((lane >> 3) & 1) * 8);
#pragma unroll
      for (int r = 0; r < 4; ++r) {
        const float2 x = unpack_bf16(a[r]);
        const float x0 = x.x * w[(r >> 1) * 2], x1 = x.y * w[(r >> 1) * 2 + 1];
        hi[r] = pack_bf16(x0, x1);
        const float2 rounded = unpack_bf16(hi[r]);
        lo[r] = pack_bf16(x0 - rounded.x, x1 - rounded.y);
      }
      // B = V (k: keys, n: the block's value dims) from the [key][column] tile, two n8-tiles per load.
#pragma unroll
      for (int np = 0; np < kNTiles / 2; ++np) {
        uint32_t b[4];
        ldmatrix_x4_trans(b, v_t + (16 * kk + (lane & 7) + ((lane >> 3) & 1) * 8) * L::kLdV + 16 * np +
                                 (lane >> 4) * 8);
        mma_bf16(kv[2 * np], hi, b[0], b[1]);
        mma_bf16(kv[2 * np], lo, b[0], b[1]);
        mma_bf16(kv[2 * np + 1], hi, b[2], b[3]);
        mma_bf16(kv[2 * np + 1], lo, b[2], b[3]);
      }
    }
    const float chunk_decay = decay[m];  // λ^m
#pragma unroll
    for (int nt = 0; nt < kNTiles; ++nt) {
#pragma unroll
      for (int e = 0; e < 4; ++e) s[nt][e] = fmaf(chunk_decay, s[nt][e], kv[nt][e]);
    }
    __syncthreads();  // every warp is done with stage c mod kStages before iteration c + 1 refills it
  }

#pragma unroll
  for (int nt = 0; nt < kNTiles; ++nt) {
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      *reinterpret_cast<float2*>(state + (row0 + g + 8 * half) * kD + col0 + 8 * nt + qc) =
          make_float2(s[nt][2 * half], s[nt][2 * half + 1]);
    }
  }
}

template <int kD>
__global__ void __launch_bounds__(kBlockThreads, 2) output_kernel(OutputParams p) {
  using L = OutputLayout<kD>;
  constexpr int kLd = L::kLd;
  extern __shared__ __align__(128) unsigned char smem[];
  bf16* q_s = reinterpret_cast<bf16*>(smem);
  bf16* k_s = q_s + L::kTile;
  bf16* v_s = k_s + L::kTile;
  bf16* state_s = v_s + L::kTile;  // S_(c−1) [d][kLd]: rows k = state row a, columns n = state column b
  __shared__ float decay[kChunk + 1];

  const int h = blockIdx.x;
  const int64_t c = blockIdx.y, t0 = c * kChunk;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int g = lane >> 2, qc = (lane & 3) * 2;
  fill_decay_table(decay, p.rates.r[h]);

  const int64_t row_stride = int64_t(p.heads) * kD, head = int64_t(h) * kD;
  load_tile_async<kChunk, kD, kLd, kBlockThreads>(q_s, p.q + head, t0, p.tokens, row_stride);
  load_tile_async<kChunk, kD, kLd, kBlockThreads>(k_s, p.k + head, t0, p.tokens, row_stride);
  cp_async_commit();
  load_tile_async<kChunk, kD, kLd, kBlockThreads>(v_s, p.v + head, t0, p.tokens, row_stride);
  load_tile_async<kD, kD, kLd, kBlockThreads>(state_s, p.states + (c * p.heads + h) * kD * kD, 0, kD, kD);
  cp_async_commit();
  cp_async_wait<1>();  // Q and K
  __syncthreads();

  // Q as A fragments for all d / 16 k-slices (rows 16·warp … + 15).
  uint32_t q_frag[kD / 16][4];
  load_a_fragments<kD>(q_frag, q_s, warp * 16, kLd, lane);

  // Scores Q·Kᵀ: n8-tile n holds keys 8n … 8n + 7; key slices np > warp lie wholly above the diagonal.
  float sc[kChunk / 8][4];
#pragma unroll
  for (int n = 0; n < kChunk / 8; ++n) sc[n][0] = sc[n][1] = sc[n][2] = sc[n][3] = 0.0f;
  mma_a_bt<kChunk, kD>(sc, q_frag, k_s, kLd, lane, /*n_slices=*/warp + 1);
  // Causal decay mask: this thread's rows j = j0 + 8·(e >> 1), keys i = 8n + qc + (e & 1).
  const int j0 = warp * 16 + g;
#pragma unroll
  for (int n = 0; n < kChunk / 8; ++n) {
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      const int j = j0 + 8 * (e >> 1), i = 8 * n + qc + (e & 1);
      sc[n][e] = i <= j ? sc[n][e] * decay[i <= j ? j - i : 0] : 0.0f;
    }
  }

  cp_async_wait<0>();  // V and S_(c−1)
  __syncthreads();

  // Inter: O = Q·S_(c−1), then row j scaled by λ^(j+1).
  float o[kD / 8][4];
#pragma unroll
  for (int n = 0; n < kD / 8; ++n) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
#pragma unroll
  for (int kk = 0; kk < kD / 16; ++kk) mma_a_b_slice<kD>(o, q_frag[kk], state_s + 16 * kk * kLd, kLd, lane);
  const float decay0 = decay[j0 + 1], decay1 = decay[j0 + 9];
#pragma unroll
  for (int n = 0; n < kD / 8; ++n) {
    o[n][0] *= decay0;
    o[n][1] *= decay0;
    o[n][2] *= decay1;
    o[n][3] *= decay1;
  }

  // Intra: O += P·V, P's k16 slice kk made from the C fragments of n8-tiles 2kk and 2kk + 1.
#pragma unroll
  for (int kk = 0; kk < kChunk / 16; ++kk) {
    if (kk > warp) continue;  // warp-uniform: all zero
    const uint32_t a[4] = {pack_bf16(sc[2 * kk][0], sc[2 * kk][1]), pack_bf16(sc[2 * kk][2], sc[2 * kk][3]),
                           pack_bf16(sc[2 * kk + 1][0], sc[2 * kk + 1][1]),
                           pack_bf16(sc[2 * kk + 1][2], sc[2 * kk + 1][3])};
    mma_a_b_slice<kD>(o, a, v_s + 16 * kk * kLd, kLd, lane);
  }

  // Rows t0 + j0 (+ 8), columns 8n + qc + {0, 1}, as bf16 pairs.
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    const int64_t t = t0 + j0 + 8 * r;
    if (t >= p.tokens) continue;
    bf16* row = p.out + t * row_stride + head + qc;
#pragma unroll
    for (int n = 0; n < kD / 8; ++n) {
      *reinterpret_cast<uint32_t*>(row + 8 * n) = pack_bf16(o[n][2 * r], o[n][2 * r + 1]);
    }
  }
}

template <int kD>
void run_segment(const StatesParams& states_params, const OutputParams& output_params, cudaStream_t stream) {
  const int heads = states_params.heads;
  const unsigned chunks = unsigned((states_params.tokens + kChunk - 1) / kChunk);
  constexpr size_t states_smem = StatesLayout<kD>::kBytes, output_smem = OutputLayout<kD>::kBytes;
  check_cuda(cudaFuncSetAttribute(states_kernel<kD>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(states_smem)));
  check_cuda(cudaFuncSetAttribute(output_kernel<kD>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(output_smem)));
  const dim3 states_grid(unsigned(kD / StatesLayout<kD>::kCols), unsigned(kD / kStateRows), unsigned(heads));
  states_kernel<kD><<<states_grid, kBlockThreads, states_smem, stream>>>(states_params);
  check_launch();
  output_kernel<kD><<<dim3(unsigned(heads), chunks), kBlockThreads, output_smem, stream>>>(output_params);
  check_launch();
}

bool aligned(const Tensor& t, uintptr_t bytes) { return reinterpret_cast<uintptr_t>(t.raw()) % bytes == 0; }

bool usable(const Tensor& t, const Tensor& q) {
  return t.dtype() == DType::kBF16 && t.device() == Device::kCuda && t.shape() == q.shape() && aligned(t, 16);
}

}  // namespace

bool lightning_tensor_core_applies(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& state,
                                   const Tensor& out) {
  if (q.rank() != 3 || !usable(q, q) || !usable(k, q) || !usable(v, q) || !usable(out, q)) return false;
  const int64_t heads = q.dim(1), d = q.dim(2);
  return (d == 64 || d == 128) && heads >= 1 && heads <= kMaxLightningHeads && state.dtype() == DType::kF32 &&
         state.device() == Device::kCuda && state.shape() == Shape{heads, d, d} && aligned(state, 8);
}

void lightning_tensor_core(const Tensor& q, const Tensor& k, const Tensor& v, const LightningRates& rates,
                           Tensor& state, Tensor& out) {
  require(lightning_tensor_core_applies(q, k, v, state, out), ErrorCode::kUnsupported,
          "lightning_tensor_core: needs bf16 CUDA q, k, v, out [T, H, d] with d 64 or 128 and H ≤ 256, 16-byte "
          "aligned, and an f32 state [H, d, d]");
  const int64_t tokens = q.dim(0), heads = q.dim(1), d = q.dim(2);
  if (tokens == 0) return;
  const int64_t segment_chunks = (std::min(tokens, kLightningSegmentTokens) + kChunk - 1) / kChunk;
  Tensor states = empty(DType::kBF16, {segment_chunks, heads, d, d}, "lightning chunk states");
  const cudaStream_t stream = current_context().stream;
  for (int64_t start = 0; start < tokens; start += kLightningSegmentTokens) {
    const int64_t n = std::min(kLightningSegmentTokens, tokens - start), offset = start * heads * d;
    const StatesParams states_params{elements<bf16>(k) + offset, elements<bf16>(v) + offset, state.data<float>(),
                                     elements<bf16>(states), n, int(heads), rates};
    const OutputParams output_params{elements<bf16>(q) + offset, elements<bf16>(k) + offset,
                                     elements<bf16>(v) + offset, elements<bf16>(states),
                                     elements<bf16>(out) + offset, n, int(heads), rates};
    if (d == 64) {
      run_segment<64>(states_params, output_params, stream);
    } else {
      run_segment<128>(states_params, output_params, stream);
    }
  }
}

}  // namespace lightvl::cuda
