// CUDA lightning attention (spec §3.3–3.5): per head h with decay λ = exp(−r_h) and f32 state S [d, d],
//     S ← λ·S + k_tᵀ v_t        o_t = q_t · S        (no scaling, no normaliser)
//
// Recurrent step (T ≤ kLightningRecurrentTokens, i.e. decode): one block per (head, 32 state columns);
// lane l owns column b, warp w owns rows a ≡ w (mod 8), and the block keeps its slice of S in registers
// across the call's tokens: S[a][b] = λS[a][b] + k[a]v[b], o[b] = Σ_a q[a]S[a][b] (per-warp partial sums
// reduced through shared memory). S is read and written once per call, coalesced along b.
// Tensor-core prefill (longer bf16 calls, head_dim 64 or 128, 16-byte aligned tensors): the
// chunk-parallel kernels of lightning_tensor_core.cu, with their own chunk length (block_size unused).
// Chunked prefill (every other longer call): the block-parallel form of spec §3.4, exactly the CPU
// kernel's with blocks of block_size tokens, every product a cuBLAS f32 GEMM batched over the heads on
// strided views of the [T, H, d] tensors:
//     O  = Q·S,  rows scaled by λ^(j+1)                      (inter: the past, decayed to token j)
//     A  = (Q·Kᵀ) ⊙ D,  D[j, i] = λ^(j−i) for i ≤ j else 0   (intra: causal decayed scores)
//     O += A·V
//     S  = λ^m·S + (K ⊙ λ^(m−1−i))ᵀ·V
// Blocks run one after another (each needs the previous state); decay powers are expf(−r·n) in f32 as
// in the CPU kernel. bf16 q/k/v are widened to f32 per block and the f32 block output is rounded to
// bf16 once; the state stays f32 throughout.
// Limits: head_dim ≤ 256, heads ≤ 256 (rates travel as kernel parameters); scratch per call
// O(H·block² + 4·block·H·d) f32; f32 GEMMs (no TF32), so the chunked path favours exactness over
// tensor-core speed.
#include "backends/cuda/lightning_attention.h"

#include <algorithm>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/gemm.h"
#include "backends/cuda/lightning_tensor_core.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

constexpr int kStepWarps = 8;

// kRows = state rows per thread (head_dim ≤ 8·kRows).
template <typename T, int kRows>
__global__ void __launch_bounds__(kStepWarps * 32)
recurrent_kernel(const T* q, const T* k, const T* v, T* out, float* state, LightningRates rates, int64_t tokens,
                 int heads, int d) {
  __shared__ float q_s[kMaxLightningHeadDim], k_s[kMaxLightningHeadDim], partial[kStepWarps][32];
  const int h = blockIdx.y, lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int b = blockIdx.x * 32 + lane;
  const bool has_column = b < d;
  const float lambda = expf(-rates.r[h]);
  float* S = state + int64_t(h) * d * d;
  float s[kRows];
#pragma unroll
  for (int i = 0; i < kRows; ++i) {
    const int a = warp + kStepWarps * i;
    s[i] = has_column && a < d ? S[int64_t(a) * d + b] : 0.0f;
  }
  for (int64_t t = 0; t < tokens; ++t) {
    const int64_t row = (t * heads + h) * d;
    for (int c = threadIdx.x; c < d; c += blockDim.x) {
      q_s[c] = to_float(q[row + c]);
      k_s[c] = to_float(k[row + c]);
    }
    __syncthreads();
    const float vb = has_column ? to_float(v[row + b]) : 0.0f;
    float o = 0.0f;
#pragma unroll
    for (int i = 0; i < kRows; ++i) {
      const int a = warp + kStepWarps * i;
      if (a < d) {
        s[i] = lambda * s[i] + k_s[a] * vb;
        o += q_s[a] * s[i];
      }
    }
    partial[warp][lane] = o;
    __syncthreads();
    if (warp == 0 && has_column) {
      float sum = 0.0f;
      for (int w = 0; w < kStepWarps; ++w) sum += partial[w][lane];
      out[row + b] = from_float<T>(sum);
    }
    __syncthreads();  // q_s, k_s and partial are rewritten for the next token
  }
#pragma unroll
  for (int i = 0; i < kRows; ++i) {
    const int a = warp + kStepWarps * i;
    if (has_column && a < d) S[int64_t(a) * d + b] = s[i];
  }
}

// dst[j, h, c] = src[j, h, c] · exp(−rates[h] · (base + step·j)) over [rows, heads, width]; may alias.
__global__ void decay_rows_kernel(const float* src, float* dst, LightningRates rates, int64_t rows, int heads,
                                  int64_t width, float base, float step) {
  const int64_t n = rows * heads * width;
  for (int64_t idx = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; idx < n; idx += int64_t(gridDim.x) * blockDim.x) {
    const int64_t j = idx / (width * heads);
    const int h = int((idx / width) % heads);
    dst[idx] = src[idx] * expf(-rates.r[h] * (base + step * float(j)));
  }
}

// scores[h, j, i] ← i ≤ j ? scores[h, j, i] · exp(−rates[h]·(j − i)) : 0 over [heads, m, m].
__global__ void decay_mask_kernel(float* scores, LightningRates rates, int heads, int64_t m) {
  const int64_t n = heads * m * m;
  for (int64_t idx = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; idx < n; idx += int64_t(gridDim.x) * blockDim.x) {
    const int64_t i = idx % m, j = (idx / m) % m;
    const int h = int(idx / (m * m));
    scores[idx] = i <= j ? scores[idx] * expf(-rates.r[h] * float(j - i)) : 0.0f;
  }
}

void decay_rows(const float* src, float* dst, const LightningRates& rates, int64_t rows, int heads, int64_t width,
                float base, float step, cudaStream_t stream) {
  const int64_t n = rows * heads * width;
  if (n == 0) return;
  decay_rows_kernel<<<grid_for(n), kThreads, 0, stream>>>(src, dst, rates, rows, heads, width, base, step);
  check_launch();
}

template <typename T>
void run_recurrent(const Tensor& q, const Tensor& k, const Tensor& v, const LightningRates& rates, Tensor& state,
                   Tensor& out, cudaStream_t stream) {
  const int64_t tokens = q.dim(0);
  const int heads = int(q.dim(1)), d = int(q.dim(2));
  const dim3 grid(unsigned((d + 31) / 32), unsigned(heads));
  auto run = [&](auto kernel) {
    kernel<<<grid, kStepWarps * 32, 0, stream>>>(elements<T>(q), elements<T>(k), elements<T>(v), elements<T>(out),
                                                 state.data<float>(), rates, tokens, heads, d);
    check_launch();
  };
  if (d <= 64) {
    run(recurrent_kernel<T, 8>);
  } else if (d <= 128) {
    run(recurrent_kernel<T, 16>);
  } else {
    run(recurrent_kernel<T, 32>);
  }
}

// f32 view of rows [start, start + m) of x [T, H, d]: x itself when f32, else widened into `scratch`.
const float* rows_as_f32(const Tensor& x, int64_t start, int64_t m, Tensor& scratch) {
  if (x.dtype() == DType::kF32) return x.data<float>() + start * x.dim(1) * x.dim(2);
  Tensor dst = scratch.slice_rows(0, m);
  convert(x.slice_rows(start, start + m), dst);
  return scratch.data<float>();
}

void run_chunked(const Tensor& q, const Tensor& k, const Tensor& v, const LightningRates& rates, int block_size,
                 Tensor& state, Tensor& out, cudaStream_t stream) {
  const int64_t tokens = q.dim(0), heads = q.dim(1), d = q.dim(2), row = heads * d;
  const int64_t block = std::min<int64_t>(block_size, tokens);
  const bool widen = q.dtype() != DType::kF32;
  const Shape block_shape{block, heads, d};
  Tensor q32 = widen ? empty(DType::kF32, block_shape) : Tensor();
  Tensor k32 = widen ? empty(DType::kF32, block_shape) : Tensor();
  Tensor v32 = widen ? empty(DType::kF32, block_shape) : Tensor();
  Tensor o32 = widen ? empty(DType::kF32, block_shape) : Tensor();
  Tensor scores = empty(DType::kF32, {heads, block, block});
  Tensor decayed_k = empty(DType::kF32, block_shape);
  float* S = state.data<float>();
  for (int64_t start = 0; start < tokens; start += block) {
    const int64_t m = std::min(block, tokens - start);
    const float* Q = rows_as_f32(q, start, m, q32);
    const float* K = rows_as_f32(k, start, m, k32);
    const float* V = rows_as_f32(v, start, m, v32);
    float* O = widen ? o32.data<float>() : out.data<float>() + start * row;
    float* A = scores.data<float>();
    float* KD = decayed_k.data<float>();
    // inter: O = Q·S (per head), later scaled by λ^(j+1)
    gemm(m, d, d, 1.0f, {Q, DType::kF32, row, d}, {S, DType::kF32, d, d * d}, 0.0f, O, DType::kF32, row, d, heads);
    // intra scores: A = Q·Kᵀ (per head)
    gemm(m, m, d, 1.0f, {Q, DType::kF32, row, d}, {K, DType::kF32, row, d, true}, 0.0f, A, DType::kF32, m, m * m,
         heads);
    decay_rows(O, O, rates, m, int(heads), d, 1.0f, 1.0f, stream);                      // λ^(j+1)
    decay_mask_kernel<<<grid_for(heads * m * m), kThreads, 0, stream>>>(A, rates, int(heads), m);
    check_launch();
    decay_rows(K, KD, rates, m, int(heads), d, float(m - 1), -1.0f, stream);            // λ^(m−1−i)
    decay_rows(S, S, rates, 1, int(heads), d * d, float(m), 0.0f, stream);              // λ^m
    // O += A·V; S += KDᵀ·V (per head)
    gemm(m, d, m, 1.0f, {A, DType::kF32, m, m * m}, {V, DType::kF32, row, d}, 1.0f, O, DType::kF32, row, d, heads);
    gemm(d, d, m, 1.0f, {KD, DType::kF32, row, d, true}, {V, DType::kF32, row, d}, 1.0f, S, DType::kF32, d, d * d,
         heads);
    if (widen) {
      Tensor out_rows = out.slice_rows(start, start + m);
      convert(o32.slice_rows(0, m), out_rows);
    }
  }
}

}  // namespace

void lightning_attention(const Tensor& q, const Tensor& k, const Tensor& v, const std::vector<float>& decay_rates,
                         int block_size, Tensor& state, Tensor& out) {
  const int64_t tokens = q.dim(0), heads = q.dim(1), d = q.dim(2);
  require(d <= kMaxLightningHeadDim, ErrorCode::kUnsupported,
          "lightning_attention on CUDA supports head_dim up to " + std::to_string(kMaxLightningHeadDim) + ", got " +
              std::to_string(d));
  if (tokens == 0 || heads == 0 || d == 0) return;
  require(heads <= kMaxLightningHeads, ErrorCode::kUnsupported,
          "lightning_attention on CUDA supports up to " + std::to_string(kMaxLightningHeads) + " heads, got " +
              std::to_string(heads));
  const Context& ctx = current_context();
  LightningRates rates{};
  std::copy(decay_rates.begin(), decay_rates.end(), rates.r);
  if (tokens <= kLightningRecurrentTokens) {
    with_activation_type(q.dtype(), "lightning_attention", [&](auto tag) {
      run_recurrent<decltype(tag)>(q, k, v, rates, state, out, ctx.stream);
    });
  } else if (lightning_tensor_core_applies(q, k, v, state, out)) {
    lightning_tensor_core(q, k, v, rates, state, out);
  } else {
    with_activation_type(q.dtype(), "lightning_attention", [](auto) {});  // refuses other dtypes
    run_chunked(q, k, v, rates, block_size, state, out, ctx.stream);
  }
}

}  // namespace lightvl::cuda
