// CUDA softmax attention with grouped-query heads: one tiled, flash-style kernel (online softmax, f32
// accumulators) for prefill and decode, plus a combine kernel when the key sequence is split.
//
// Rows. The (query token t, query head h) pairs that share KV head g are numbered ρ = t·group + (h mod
// group). A block of 8 warps takes 32 consecutive rows of one KV head (4 per warp; 8 rows, 1 per warp,
// when the KV head has at most 8, as in decode), so one shared K/V tile serves every query head of the
// group (GQA reuse). Grid: (row tiles, KV heads, key splits).
// Keys. The block walks its key range in tiles of 32 keys staged in shared memory as f32 (K padded to
// d + 1 floats per row so lane j reading key j is bank-conflict free), loaded with 16-byte vectors that
// are all issued before the first store (scalar loads when head_dim or alignment do not allow vectors).
// Lane j scores key j against the warp's 4 rows (q pre-scaled in shared memory); the warp then does
// the online-softmax update per row (running max m, running sum l, rescale of the accumulator) and
// accumulates P·V with lane l owning output dims l, l + 32, ... . Causal: query t (absolute position past + t) sees keys s ≤ past + t; the
// block stops at the last key any of its rows can see. Out-of-range keys are staged as zeros and masked.
// Splits (flash-decoding). When row tiles × KV heads is below the GPU's multiprocessor count (decode:
// one token), the keys are cut into slices of ≥ kMinKeysPerSplit; each block writes its unnormalised
// accumulator and (m, l) to f32 scratch and a combine kernel merges the slices with the usual
// rescaling: o = Σ_z e^(m_z − M) acc_z / Σ_z e^(m_z − M) l_z.
// Cached attention (a decode step recorded as a graph): `past` comes from device memory, keys =
// past + tokens; the split count is fixed by the cache's capacity when the call is made and each block
// derives its slice from the keys it reads (slices past the keys stay empty and the combine skips them).
// Precision: f32 scores, exp, sums and accumulators (expf, no fast math); output rounded once.
// Limits: head_dim ≤ 256 (templated on dims per lane: 2, 4 or 8); shared memory per block is
// 4·(32·d + 32·(d + 1) + 32·d + 32·32) bytes (53 KB at d = 128, 103 KB at d = 256; sm_80+ both fit).
// This kernel runs on CUDA cores and handles every case. bf16 with head_dim 64 or 128 goes to tensor
// cores instead: causal calls of at most 16 query rows per KV head (decode) to attention_decode.cu,
// calls of at least kFlashMinTokens queries (prefill, the vision tower) to the FlashAttention-2-style
// kernel (attention_flash.cu), the others whose query rows fill a tile to attention_tensor_core.cu;
// f32 stays here so it matches the CPU in f32.
#include "backends/cuda/attention.h"

#include <algorithm>
#include <type_traits>

#include "backends/cuda/attention_decode.h"
#include "backends/cuda/attention_flash.h"
#include "backends/cuda/attention_splits.cuh"
#include "backends/cuda/attention_tensor_core.h"
#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

constexpr int kWarps = 8;
constexpr int kTileKeys = 32;  // one key per lane
constexpr int64_t kMinKeysPerSplit = 512;
constexpr int kWideRowsPerWarp = 4;
// Calls with at least this many queries (one full query tile of attention_flash.cu) take the flash kernel.
constexpr int64_t kFlashMinTokens = 64;

// Rows per warp: 4 (32 rows per block) in general; 1 (8 rows) when a KV head has at most 8 rows, as in
// decode with a GQA group of 8, so that every warp of the block has a row to work on.
int rows_per_warp_for(int64_t rows_per_kv_head) { return rows_per_kv_head <= kWarps ? 1 : kWideRowsPerWarp; }

size_t shared_bytes(int d, int block_rows) {
  return sizeof(float) * size_t(block_rows * d + kTileKeys * (d + 1) + kTileKeys * d + block_rows * kTileKeys);
}

// Stages keys [tile, tile + kTileKeys) of KV head g into k_s / v_s as f32 (zeros past key_end) with
// 16-byte loads, all issued before the first shared-memory store so that they are in flight together.
// Requires head_dim % (16 / sizeof(T)) == 0 and 16-byte aligned k, v.
template <typename T, int kDims>
__device__ __forceinline__ void stage_tile_vectorized(const T* k, const T* v, float* k_s, float* v_s, int64_t tile,
                                                      int64_t key_end, int g, const AttentionShape& p) {
  constexpr int kPerVector = 16 / sizeof(T);
  constexpr int kMaxVectors = (kTileKeys * 32 * kDims / kPerVector + kWarps * 32 - 1) / (kWarps * 32);
  const int d = p.head_dim, vectors_per_row = d / kPerVector, total = kTileKeys * vectors_per_row;
  uint4 k_buf[kMaxVectors], v_buf[kMaxVectors];
#pragma unroll
  for (int i = 0; i < kMaxVectors; ++i) {
    const int idx = threadIdx.x + i * kWarps * 32;
    const int j = idx / vectors_per_row, c = (idx % vectors_per_row) * kPerVector;
    k_buf[i] = v_buf[i] = make_uint4(0, 0, 0, 0);
    if (idx < total && tile + j < key_end) {
      const int64_t offset = ((tile + j) * p.kv_heads + g) * d + c;
      k_buf[i] = *reinterpret_cast<const uint4*>(k + offset);
      v_buf[i] = *reinterpret_cast<const uint4*>(v + offset);
    }
  }
#pragma unroll
  for (int i = 0; i < kMaxVectors; ++i) {
    const int idx = threadIdx.x + i * kWarps * 32;
    if (idx >= total) continue;
    const int j = idx / vectors_per_row, c = (idx % vectors_per_row) * kPerVector;
    const T* k_elems = reinterpret_cast<const T*>(&k_buf[i]);
    const T* v_elems = reinterpret_cast<const T*>(&v_buf[i]);
#pragma unroll
    for (int e = 0; e < kPerVector; ++e) {
      k_s[j * (d + 1) + c + e] = to_float(k_elems[e]);
      v_s[j * d + c + e] = to_float(v_elems[e]);
    }
  }
}

// kDims = output dims per lane (head_dim ≤ 32·kDims); kRowsPerWarp = rows per warp (1 or 4).
// part_acc == nullptr: write normalised `out`;
// otherwise write this split's unnormalised accumulator to part_acc[split][row][d] and (m, l) to
// part_stats[split][row][2], row = t·q_heads + h.
// Up to head_dim 128, three blocks per multiprocessor (four with one row per warp); shared memory
// allows it and the register cap (85, 64) costs at most a few spilled words.
template <typename T, int kDims, int kRowsPerWarp>
__global__ void __launch_bounds__(kWarps * 32, kDims <= 4 ? (kRowsPerWarp == 1 ? 4 : 3) : 1)
attention_kernel(const T* q, const T* k, const T* v, T* out, float* part_acc, float* part_stats, AttentionShape p,
                 int64_t keys_per_split, bool vectorized) {
  constexpr int kBlockRows = kWarps * kRowsPerWarp;
  extern __shared__ float smem[];
  const int d = p.head_dim, k_stride = d + 1;
  float* q_s = smem;                         // [kBlockRows][d], scaled
  float* k_s = q_s + kBlockRows * d;         // [kTileKeys][d + 1]
  float* v_s = k_s + kTileKeys * k_stride;   // [kTileKeys][d]
  float* p_s = v_s + kTileKeys * d;          // [kBlockRows][kTileKeys] softmax weights of the tile

  const int g = blockIdx.y, split = blockIdx.z;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int64_t keys = p.keys, past = p.past;
  if (p.past_at != nullptr) {  // cached attention: the fill level is known only now
    past = *p.past_at;
    keys = min64(past + p.tokens, p.keys);
    const int64_t per_split = (keys + gridDim.z - 1) / gridDim.z;
    keys_per_split = (per_split + kTileKeys - 1) / kTileKeys * kTileKeys;
  }
  const int64_t rows_total = p.tokens * p.group;
  const int64_t row0 = int64_t(blockIdx.x) * kBlockRows;

  for (int idx = threadIdx.x; idx < kBlockRows * d; idx += blockDim.x) {
    const int64_t rho = row0 + idx / d;
    float value = 0.0f;
    if (rho < rows_total) {
      const int64_t t = rho / p.group;
      const int h = g * p.group + int(rho % p.group);
      value = to_float(q[(t * p.q_heads + h) * d + idx % d]) * p.scale;
    }
    q_s[idx] = value;
  }

  const int64_t split_begin = int64_t(split) * keys_per_split;
  int64_t key_end = min64(keys, split_begin + keys_per_split);
  if (p.causal) key_end = min64(key_end, past + (min64(row0 + kBlockRows, rows_total) - 1) / p.group + 1);

  int64_t limit[kRowsPerWarp];  // keys < limit[r] are visible to row r (0 for rows past the end)
  float m[kRowsPerWarp], l[kRowsPerWarp], acc[kRowsPerWarp][kDims];
#pragma unroll
  for (int r = 0; r < kRowsPerWarp; ++r) {
    const int64_t rho = row0 + warp * kRowsPerWarp + r;
    limit[r] = rho >= rows_total ? 0 : (p.causal ? past + rho / p.group + 1 : keys);
    m[r] = -INFINITY;
    l[r] = 0.0f;
#pragma unroll
    for (int i = 0; i < kDims; ++i) acc[r][i] = 0.0f;
  }

  for (int64_t tile = split_begin; tile < key_end; tile += kTileKeys) {
    __syncthreads();  // the previous tile is consumed (and, the first time, q_s is written)
    if (vectorized) {
      stage_tile_vectorized<T, kDims>(k, v, k_s, v_s, tile, key_end, g, p);
    } else {
      for (int idx = threadIdx.x; idx < kTileKeys * d; idx += blockDim.x) {
        const int j = idx / d, c = idx % d;
        const int64_t s = tile + j;
        float kv = 0.0f, vv = 0.0f;
        if (s < key_end) {
          const int64_t offset = (s * p.kv_heads + g) * d + c;
          kv = to_float(k[offset]);
          vv = to_float(v[offset]);
        }
        k_s[j * k_stride + c] = kv;
        v_s[j * d + c] = vv;
      }
    }
    __syncthreads();

    // Scores of this lane's key against the warp's rows.
    const int64_t s = tile + lane;
    float score[kRowsPerWarp];
#pragma unroll
    for (int r = 0; r < kRowsPerWarp; ++r) score[r] = 0.0f;
    const float* k_row = k_s + lane * k_stride;
    const float* q_rows = q_s + warp * kRowsPerWarp * d;
    for (int c = 0; c < d; ++c) {
      const float kc = k_row[c];
#pragma unroll
      for (int r = 0; r < kRowsPerWarp; ++r) score[r] += q_rows[r * d + c] * kc;
    }
    // Online softmax update per row; warp-uniform control flow (m, l and the limits agree across lanes).
    float correction[kRowsPerWarp];
#pragma unroll
    for (int r = 0; r < kRowsPerWarp; ++r) {
      const bool visible = s < key_end && s < limit[r];
      const float x = visible ? score[r] : -INFINITY;
      const float m_new = fmaxf(m[r], warp_max(x));
      float weight = 0.0f;
      correction[r] = 1.0f;
      if (m_new != -INFINITY) {
        weight = visible ? expf(x - m_new) : 0.0f;
        correction[r] = m[r] == -INFINITY ? 0.0f : expf(m[r] - m_new);
      }
      l[r] = l[r] * correction[r] + warp_sum(weight);
      m[r] = m_new;
      p_s[(warp * kRowsPerWarp + r) * kTileKeys + lane] = weight;
    }
    __syncwarp();
#pragma unroll
    for (int r = 0; r < kRowsPerWarp; ++r) {
#pragma unroll
      for (int i = 0; i < kDims; ++i) acc[r][i] *= correction[r];
    }
    const float* p_rows = p_s + warp * kRowsPerWarp * kTileKeys;
    for (int j = 0; j < kTileKeys; ++j) {
      float pj[kRowsPerWarp];
#pragma unroll
      for (int r = 0; r < kRowsPerWarp; ++r) pj[r] = p_rows[r * kTileKeys + j];
#pragma unroll
      for (int i = 0; i < kDims; ++i) {
        const int c = lane + 32 * i;
        const float vc = c < d ? v_s[j * d + c] : 0.0f;
#pragma unroll
        for (int r = 0; r < kRowsPerWarp; ++r) acc[r][i] += pj[r] * vc;
      }
    }
    __syncwarp();  // p_s is rewritten by this warp in the next tile
  }

  const int64_t rows_out = p.tokens * p.q_heads;
#pragma unroll
  for (int r = 0; r < kRowsPerWarp; ++r) {
    const int64_t rho = row0 + warp * kRowsPerWarp + r;
    if (rho >= rows_total) continue;
    const int64_t row = (rho / p.group) * p.q_heads + g * p.group + rho % p.group;
    if (part_acc == nullptr) {
      const float inv = l[r] > 0.0f ? 1.0f / l[r] : 0.0f;
#pragma unroll
      for (int i = 0; i < kDims; ++i) {
        const int c = lane + 32 * i;
        if (c < d) out[row * d + c] = from_float<T>(acc[r][i] * inv);
      }
    } else {
      const int64_t slot = int64_t(split) * rows_out + row;
#pragma unroll
      for (int i = 0; i < kDims; ++i) {
        const int c = lane + 32 * i;
        if (c < d) part_acc[slot * d + c] = acc[r][i];
      }
      if (lane == 0) {
        part_stats[slot * 2] = m[r];
        part_stats[slot * 2 + 1] = l[r];
      }
    }
  }
}

template <typename T, int kDims, int kRowsPerWarp>
void launch(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, const AttentionShape& p,
            int64_t keys_per_split, int splits, cudaStream_t stream) {
  // 16-byte loads need whole vectors per row and aligned K and V.
  constexpr int kPerVector = 16 / sizeof(T);
  const bool vectorized = p.head_dim % kPerVector == 0 && reinterpret_cast<uintptr_t>(k.raw()) % 16 == 0 &&
                          reinterpret_cast<uintptr_t>(v.raw()) % 16 == 0;
  constexpr int kBlockRows = kWarps * kRowsPerWarp;
  const int64_t row_tiles = (p.tokens * p.group + kBlockRows - 1) / kBlockRows;
  const dim3 grid(unsigned(row_tiles), unsigned(p.kv_heads), unsigned(splits));
  const size_t smem = shared_bytes(p.head_dim, kBlockRows);
  const auto kernel = attention_kernel<T, kDims, kRowsPerWarp>;
  check_cuda(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
  if (splits == 1) {
    kernel<<<grid, kWarps * 32, smem, stream>>>(elements<T>(q), elements<T>(k), elements<T>(v), elements<T>(out),
                                                nullptr, nullptr, p, keys_per_split, vectorized);
    check_launch();
    return;
  }
  const int64_t rows = p.tokens * p.q_heads;
  Tensor part_acc = empty(DType::kF32, {splits, rows, p.head_dim});
  Tensor part_stats = empty(DType::kF32, {splits, rows, 2});
  kernel<<<grid, kWarps * 32, smem, stream>>>(elements<T>(q), elements<T>(k), elements<T>(v), elements<T>(out),
                                              part_acc.data<float>(), part_stats.data<float>(), p, keys_per_split,
                                              vectorized);
  check_launch();
  combine_key_splits<T>(part_acc.data<float>(), part_stats.data<float>(), elements<T>(out), rows, p.head_dim, splits,
                        stream);
}

// Runs the CUDA-core kernel (and the combine when splits > 1) for q's dtype and head_dim.
void run_cuda_core(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, const AttentionShape& p,
                   int64_t keys_per_split, int splits, cudaStream_t stream) {
  const bool narrow = rows_per_warp_for(p.tokens * p.group) == 1;
  with_activation_type(q.dtype(), "attention", [&](auto tag) {
    using T = decltype(tag);
    auto run = [&](auto dims_tag) {
      constexpr int kDims = decltype(dims_tag)::value;
      if (narrow) {
        launch<T, kDims, 1>(q, k, v, out, p, keys_per_split, splits, stream);
      } else {
        launch<T, kDims, kWideRowsPerWarp>(q, k, v, out, p, keys_per_split, splits, stream);
      }
    };
    if (p.head_dim <= 64) {
      run(std::integral_constant<int, 2>{});
    } else if (p.head_dim <= 128) {
      run(std::integral_constant<int, 4>{});
    } else {
      run(std::integral_constant<int, 8>{});
    }
  });
}

}  // namespace

int attention_key_splits(int64_t tokens, int64_t q_heads, int64_t kv_heads, int64_t keys, int multiprocessors) {
  const int64_t group = q_heads / std::max<int64_t>(kv_heads, 1);
  const int64_t block_rows = kWarps * rows_per_warp_for(tokens * group);
  const int64_t blocks = (tokens * group + block_rows - 1) / block_rows * kv_heads;
  if (blocks <= 0 || blocks >= multiprocessors) return 1;
  // About four blocks per multiprocessor (what shared memory allows at head_dim 128 on sm_90): decode is
  // memory-bound and needs many tile loads in flight.
  const int64_t wanted = (4 * int64_t(multiprocessors) + blocks - 1) / blocks;
  const int64_t by_keys = std::max<int64_t>(1, keys / kMinKeysPerSplit);
  return int(std::clamp<int64_t>(std::min(wanted, by_keys), 1, 65535));
}

bool attention_uses_tensor_cores(DType dtype, int64_t tokens, int64_t q_heads, int64_t kv_heads, int64_t head_dim) {
  AttentionShape shape;
  shape.tokens = tokens;
  shape.q_heads = int(q_heads);
  shape.kv_heads = int(kv_heads);
  shape.group = int(q_heads / std::max<int64_t>(kv_heads, 1));
  shape.head_dim = int(head_dim);
  return tensor_core_attention_fits(dtype, shape);
}

namespace {
// The sizes of a call for the kernels (k: the keys, or the cache's whole capacity). Throws
// Error(kUnsupported) beyond kMaxAttentionHeadDim.
AttentionShape shape_of(const Tensor& q, const Tensor& k, bool causal, float scale) {
  AttentionShape p;
  p.tokens = q.dim(0);
  p.keys = k.dim(0);
  p.q_heads = int(q.dim(1));
  p.kv_heads = int(k.dim(1));
  p.group = p.q_heads / p.kv_heads;
  p.head_dim = int(q.dim(2));
  p.causal = causal;
  p.scale = scale;
  require(p.head_dim <= kMaxAttentionHeadDim, ErrorCode::kUnsupported,
          "attention on CUDA supports head_dim up to " + std::to_string(kMaxAttentionHeadDim) + ", got " +
              std::to_string(p.head_dim));
  return p;
}
}  // namespace

void attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
               Tensor& out) {
  AttentionShape p = shape_of(q, k, causal, scale);
  p.past = past;
  const int64_t tokens = p.tokens, keys = p.keys;
  if (tokens == 0 || p.q_heads == 0 || p.head_dim == 0) return;
  if (causal && attention_decode_applies(q, k, v, out)) return attention_decode(q, k, v, past, nullptr, scale, out);
  if (tokens >= kFlashMinTokens && attention_flash_supported(q, k, v, out)) {
    return attention_flash(q, k, v, past, causal, scale, out);
  }
  if (tensor_core_attention_applies(q, k, v, out, p)) return tensor_core_attention(q, k, v, out, p);

  const Context& ctx = current_context();
  int splits = attention_key_splits(tokens, p.q_heads, p.kv_heads, keys, ctx.multiprocessors);
  // Slices are whole tiles; recount so that no slice is empty.
  const int64_t keys_per_split =
      std::max<int64_t>(kTileKeys, ((keys + splits - 1) / splits + kTileKeys - 1) / kTileKeys * kTileKeys);
  splits = int(std::max<int64_t>(1, (keys + keys_per_split - 1) / keys_per_split));
  run_cuda_core(q, k, v, out, p, keys_per_split, splits, ctx.stream);
}

void cached_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& past, float scale,
                      Tensor& out) {
  AttentionShape p = shape_of(q, k, /*causal=*/true, scale);  // p.keys: the capacity
  p.past_at = past.data<int64_t>();
  const int64_t tokens = p.tokens, capacity = p.keys;
  if (tokens == 0 || p.q_heads == 0 || p.head_dim == 0 || capacity == 0) return;
  if (attention_decode_applies(q, k, v, out)) return attention_decode(q, k, v, 0, p.past_at, scale, out);
  const Context& ctx = current_context();
  // Fixed by the capacity, so that every replay launches the same grid; the kernel sizes the slices.
  const int splits = attention_key_splits(tokens, p.q_heads, p.kv_heads, capacity, ctx.multiprocessors);
  run_cuda_core(q, k, v, out, p, /*keys_per_split=*/capacity, splits, ctx.stream);
}

bool attention_sequences_in_one_launch(const Tensor& q, const Tensor& k, const Tensor& v, int64_t sequences,
                                       const Tensor& out) {
  return sequences >= 1 && sequences <= 65535 && q.dim(0) / sequences >= kFlashMinTokens &&
         attention_flash_supported(q, k, v, out, sequences);
}

void attention_sequences(const Tensor& q, const Tensor& k, const Tensor& v, int64_t sequences, float scale,
                         Tensor& out) {
  attention_flash(q, k, v, /*past=*/0, /*causal=*/false, scale, out, sequences);
}

}  // namespace lightvl::cuda
