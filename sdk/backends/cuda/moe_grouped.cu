// CUDA grouped MoE (prefill): routing, a stable permutation of the (token, expert) pairs by expert,
// cuBLAS GEMMs over each expert's contiguous group of rows, SwiGLU and a deterministic weighted
// un-permute. Validated against the CPU reference by tests/gpu/test_moe_grouped_parity.cpp.
//
// Steps, all on the context stream (P = T·k pairs, pair p = t·k + j):
//  1. route_kernel of moe.cu (moe_route_on_device): ids [P] i32 and weights [P] f32 stay on the device.
//  2. count_kernel, one block per expert e: counts[e] = #{p : ids[p] = e}.
//     place_kernel, one block per expert e: offset_e = Σ_{f<e} counts[f] (the exclusive prefix sum, each
//     block summing ≤ 256 counts), then the block walks the ids in ascending p, 256 at a time, and gives
//     pair p with ids[p] = e the slot offset_e + (number of earlier pairs of e), the rank coming from
//     warp ballots and a prefix over the block's 8 warps. A stable counting sort with no atomics, so the
//     permutation does not depend on scheduling. Block 0 also marks pairs with an out-of-range id (NaN
//     logits) slot −1: they contribute nothing, as in the ops/moe.h path.
//  3. gather_kernel: rows[slot[p], :] = x[p / k, :] ([V, hidden], V = valid pairs, grouped by expert).
//  4. The counts come to the host (the one synchronisation: a [E] i32 copy, acceptable at prefill, where
//     the GEMMs take milliseconds), which lists the experts with a non-zero count; for each, one
//     cublasGemmEx computes gate = rows_e·w1_eᵀ and one up = rows_e·w3_eᵀ on its slice of the
//     permuted rows, f32 accumulation, stored in the activation dtype.
//  5. swiglu (activation.cu) in place on gate; then y_e = h_e·w2_eᵀ per expert into `rows` (x's
//     permuted copy is no longer needed).
//  6. unpermute_kernel, one block per token: out[t, c] = Σ_j weights[t·k + j] · y[slot(t·k + j), c] for
//     j = 0..k−1 in that order, in f32, rounded once to out's dtype. Deterministic.
// Why one GEMM per expert rather than cublasGemmGroupedBatchedEx: on an H200 with CUDA 13 the grouped
// call took 10.6 ms for one layer of MiniMax-Text-01's experts at 4096 tokens (26.6 % of the bf16
// peak) where per-expert cublasGemmEx calls took 6.4 ms (44 %) (cuda_ops_bench --moe, 2026-11-22).
// Spreading the experts' GEMMs over four side streams (one cuBLAS handle each) was tried and measured
// slower (5.35 against 4.85 ms), so they stay on the context stream.
// Precision: the GEMMs accumulate in f32 (CUBLAS_COMPUTE_32F, no TF32); gate, up, h and y are stored in
// the activation dtype (bf16 rounds each, as the ops/moe.h path does); the combination is f32.
// Limits (moe_experts_grouped_supported): E ≤ 256 (routing), weight dtype = activation dtype (f32 or
// bf16: cublasGemmEx here takes one input dtype), P, hidden and I < 2^31. Scratch: 2·P·hidden + 2·P·I
// activations plus O(P + E) indices, from the caching allocator.
#include "backends/cuda/moe_grouped.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "backends/cuda/activation.h"
#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"
#include "backends/cuda/moe.h"

namespace lightvl::cuda {
namespace {

constexpr int kSortThreads = 256;  // pairs a block ranks per step
constexpr int kSortWarps = kSortThreads / 32;
constexpr int kMaxGridRows = 65535;

// Sum of `v` over the block (kSortThreads threads); every thread gets it. `scratch`: kSortWarps ints.
__device__ int block_sum(int v, int* scratch) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  int total = 0;
  for (int w = 0; w < kSortWarps; ++w) total += scratch[w];
  __syncthreads();  // scratch may be reused at once
  return total;
}

// counts[e] = number of pairs routed to expert e = blockIdx.x.
__global__ void __launch_bounds__(kSortThreads) count_kernel(const int32_t* __restrict__ ids, int pairs,
                                                             int32_t* __restrict__ counts) {
  __shared__ int scratch[kSortWarps];
  const int e = blockIdx.x;
  int n = 0;
  for (int p = threadIdx.x; p < pairs; p += kSortThreads) n += ids[p] == e;
  const int total = block_sum(n, scratch);
  if (threadIdx.x == 0) counts[e] = total;
}

// slots[p] = offset_e + rank of p among the pairs of e (ascending p), e = ids[p] = blockIdx.x; block 0
// also sets slots[p] = −1 for ids outside [0, experts).
__global__ void __launch_bounds__(kSortThreads) place_kernel(const int32_t* __restrict__ ids, int pairs, int experts,
                                                             const int32_t* __restrict__ counts,
                                                             int32_t* __restrict__ slots) {
  __shared__ int scratch[kSortWarps];
  __shared__ int warp_counts[kSortWarps];
  const int e = blockIdx.x;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  int before_e = 0;
  for (int f = threadIdx.x; f < e; f += kSortThreads) before_e += counts[f];
  const int offset = block_sum(before_e, scratch);
  int running = 0;  // pairs of e before this step's chunk
  for (int base = 0; base < pairs; base += kSortThreads) {
    const int p = base + threadIdx.x;
    const int id = p < pairs ? ids[p] : -1;
    const bool mine = id == e;
    const unsigned mask = __ballot_sync(kFullMask, mine);
    if (lane == 0) warp_counts[warp] = __popc(mask);
    __syncthreads();
    int rank = running + __popc(mask & ((1u << lane) - 1u));
    int chunk = 0;
    for (int w = 0; w < kSortWarps; ++w) {
      rank += w < warp ? warp_counts[w] : 0;
      chunk += warp_counts[w];
    }
    if (mine) slots[p] = offset + rank;
    if (e == 0 && p < pairs && (id < 0 || id >= experts)) slots[p] = -1;
    running += chunk;
    __syncthreads();  // warp_counts is rewritten by the next step
  }
}

// rows[slots[p], :] = x[p / top_k, :] for the valid pairs; block per pair, threads over columns.
template <typename T>
__global__ void gather_kernel(const T* __restrict__ x, const int32_t* __restrict__ slots, int64_t pairs, int top_k,
                              int64_t cols, T* __restrict__ rows) {
  for (int64_t p = blockIdx.x; p < pairs; p += gridDim.x) {
    const int32_t s = slots[p];
    if (s < 0) continue;
    const T* src = x + (p / top_k) * cols;
    T* dst = rows + int64_t(s) * cols;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) dst[c] = src[c];
  }
}

// out[t, c] = Σ_{j<k} weights[t·k + j] · y[slots[t·k + j], c], j ascending, f32, rounded once.
template <typename T>
__global__ void unpermute_kernel(const T* __restrict__ y, const int32_t* __restrict__ slots,
                                 const float* __restrict__ weights, int64_t tokens, int top_k, int64_t cols,
                                 T* __restrict__ out) {
  for (int64_t t = blockIdx.x; t < tokens; t += gridDim.x) {
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      float sum = 0.0f;
      for (int j = 0; j < top_k; ++j) {
        const int64_t p = t * top_k + j;
        const int32_t s = slots[p];
        if (s >= 0) sum += weights[p] * to_float(y[int64_t(s) * cols + c]);
      }
      out[t * cols + c] = from_float<T>(sum);
    }
  }
}

cudaDataType_t cublas_type(DType t) { return t == DType::kBF16 ? CUDA_R_16BF : CUDA_R_32F; }

// A list of row-major products C_i [n_i, m] = B_i [n_i, k] · A_iᵀ (A_i [m, k], the weight), one per
// group, as cuBLAS (column-major) sees them: C_iᵀ = op_T(A_i) · B_iᵀ, lda = ldb = k, ldc = m.
struct GemmList {
  int m = 0, k = 0;
  std::vector<int> n;
  std::vector<const void*> a, b;
  std::vector<void*> c;
  void add(int rows, const void* weight, const void* input, void* output) {
    n.push_back(rows);
    a.push_back(weight);
    b.push_back(input);
    c.push_back(output);
  }
};

// Runs every product of `list` (inputs and outputs of dtype `dtype`) on the context stream, one
// cublasGemmEx per group (see the header comment for why not cublasGemmGroupedBatchedEx).
void run_gemms(const GemmList& list, DType dtype) {
  if (list.m == 0) return;
  const Context& ctx = current_context();
  const cudaDataType_t type = cublas_type(dtype);
  const float alpha = 1.0f, beta = 0.0f;
  for (size_t g = 0; g < list.n.size(); ++g) {
    check_cublas(cublasGemmEx(ctx.cublas, CUBLAS_OP_T, CUBLAS_OP_N, list.m, list.n[g], list.k, &alpha, list.a[g], type,
                              list.k, list.b[g], type, list.k, &beta, list.c[g], type, list.m, CUBLAS_COMPUTE_32F,
                              CUBLAS_GEMM_DEFAULT));
  }
}

bool fits_int(int64_t v) { return v >= 0 && v <= std::numeric_limits<int>::max(); }

}  // namespace

bool moe_experts_grouped_supported(const Tensor& x, int top_k, const std::vector<ops::MoeExpert>& experts) {
  if (experts.empty() || int64_t(experts.size()) > kMaxRouteExperts || top_k <= 0 || x.rank() != 2) return false;
  if (x.dtype() != DType::kF32 && x.dtype() != DType::kBF16) return false;
  if (experts[0].gate->dtype() != x.dtype() || experts[0].gate->rank() != 2) return false;
  return fits_int(x.dim(0) * top_k) && fits_int(x.dim(1)) && fits_int(experts[0].gate->dim(0));
}

void moe_experts_grouped(const Tensor& x, const Tensor& router_logits, int top_k,
                         const std::vector<ops::MoeExpert>& experts, Tensor& out) {
  const int64_t tokens = x.dim(0), hidden = x.dim(1), inter = experts[0].gate->dim(0);
  const int num_experts = int(experts.size()), pairs = int(tokens * top_k);
  if (tokens == 0 || hidden == 0) return;
  if (inter == 0) return fill_zero(out);  // empty experts: every product is an empty sum
  const DType dtype = x.dtype();
  const cudaStream_t stream = current_context().stream;

  // 1–2. Routing and the stable permutation, on the device.
  Tensor ids = empty(DType::kI32, {pairs});
  Tensor weights = empty(DType::kF32, {pairs});
  Tensor counts = empty(DType::kI32, {num_experts});
  Tensor slots = empty(DType::kI32, {pairs});
  moe_route_on_device(router_logits, top_k, ids, weights);
  count_kernel<<<unsigned(num_experts), kSortThreads, 0, stream>>>(ids.data<int32_t>(), pairs, counts.data<int32_t>());
  check_launch();
  place_kernel<<<unsigned(num_experts), kSortThreads, 0, stream>>>(ids.data<int32_t>(), pairs, num_experts,
                                                                    counts.data<int32_t>(), slots.data<int32_t>());
  check_launch();

  // 3. x's rows in slot order. `rows` later receives the down products.
  Tensor rows = empty(dtype, {pairs, hidden});
  const unsigned pair_blocks = unsigned(std::min<int64_t>(pairs, kMaxGridRows));
  with_activation_type(dtype, "moe_experts_grouped", [&](auto tag) {
    using T = decltype(tag);
    gather_kernel<T><<<pair_blocks, kThreads, 0, stream>>>(elements<T>(x), slots.data<int32_t>(), pairs, top_k,
                                                           hidden, elements<T>(rows));
    check_launch();
  });

  // 4. The one synchronisation: the counts size the GEMMs.
  std::vector<int32_t> host_counts(static_cast<size_t>(num_experts));
  Tensor host_counts_view(DType::kI32, {num_experts}, host_counts.data(), nullptr);
  copy(counts, host_counts_view);

  const size_t element = dtype_size(dtype);
  Tensor gate = empty(dtype, {pairs, inter});
  Tensor up = empty(dtype, {pairs, inter});
  const auto at = [element](const Tensor& t, int64_t row, int64_t cols) {
    return static_cast<char*>(t.raw()) + size_t(row * cols) * element;
  };
  GemmList gate_up{int(inter), int(hidden)}, down{int(hidden), int(inter)};
  int64_t valid = 0;  // the offsets: the prefix sum of the counts, as place_kernel computes it
  for (int e = 0; e < num_experts; ++e) {
    const int n = host_counts[size_t(e)];
    if (n == 0) continue;  // an expert that received no tokens: no GEMM
    gate_up.add(n, experts[size_t(e)].gate->raw(), at(rows, valid, hidden), at(gate, valid, inter));
    gate_up.add(n, experts[size_t(e)].up->raw(), at(rows, valid, hidden), at(up, valid, inter));
    down.add(n, experts[size_t(e)].down->raw(), at(gate, valid, inter), at(rows, valid, hidden));
    valid += n;
  }
  run_gemms(gate_up, dtype);

  // 5. h = silu(gate) ⊙ up in place, then the down products into `rows`.
  if (valid > 0) {
    Tensor gate_valid = gate.slice_rows(0, valid);
    swiglu(gate_valid, up.slice_rows(0, valid), gate_valid);
  }
  run_gemms(down, dtype);

  // 6. The weighted sum of each token's k products, in rank order.
  with_activation_type(dtype, "moe_experts_grouped", [&](auto tag) {
    using T = decltype(tag);
    unpermute_kernel<T><<<unsigned(std::min<int64_t>(tokens, kMaxGridRows)), kThreads, 0, stream>>>(
        elements<T>(rows), slots.data<int32_t>(), weights.data<float>(), tokens, top_k, hidden, elements<T>(out));
    check_launch();
  });
}

}  // namespace lightvl::cuda
