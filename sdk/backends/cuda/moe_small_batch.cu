// CUDA small-batch MoE (decode): routing, the routed SwiGLU experts and their weighted sum on the device.
//
// Three launches on the context stream, no host synchronisation, no host-to-device copies:
//  1. route_kernel of moe.cu (moe_route_on_device): ids [P] and weights [P] of the P = T·k (token, slot)
//     pairs stay in device memory; pair p = t·k + j.
//  2. gate_up_kernel, grid (⌈I / 8⌉ row blocks, min(P, E) expert slots), 8 warps a block. Every block
//     first builds the same plan in shared memory from the ids: the distinct experts in ascending order
//     and each one's pairs in ascending order. Block (x, g) serves the g-th distinct expert (blocks past
//     the number of distinct experts exit at once): warp w dots row r = 8x + w of w1 and of w3 with x_t
//     of the pairs routed to that expert, kPairs pairs a pass (see kPairsPerPass: one), so a row shared by
//     several pairs is read again, from the caches. 16-byte vector loads (8 weights), x_t read through L1,
//     f32 accumulation, warp reduction, h[p, r] = silu(g)·u kept in f32 in a pooled scratch [P, I].
//  3. down_kernel, grid ⌈hidden / 8⌉, 8 warps a block: warp w owns output row r for every token. For
//     each distinct expert in ascending order it dots w2_e[r, :] with h of that expert's pairs, kPairs a
//     pass (f32), keeping each pair's dot in shared memory; then out[t, r] = Σ_j weight_tj ·
//     dot_tj in rank order j = 0..k−1 in f32, rounded once to out's dtype. Deterministic: no atomics and
//     every sum in a fixed order, so a result does not depend on scheduling.
// The experts' weight pointers travel as a kernel parameter (a table of three pointers per expert,
// passed by value: nothing to upload, cache or keep alive, and a CUDA graph captures it with the launch).
// Tables for ≤ 64 experts (1.5 KiB) fit the classic 4 KiB parameter space; ≤ 256 experts (6 KiB) use the
// large kernel parameters of CUDA ≥ 12.1 (Volta and later).
// Precision: f32 accumulation throughout and h in f32 (the ops/moe.h path rounds gate, up and h to the
// activation dtype), so with bf16 activations only the final store rounds.
// Limits (moe_experts_small_batch_supported): E ≤ 256, k ≤ 8, T·k ≤ ops::kMoeSmallBatchMaxPairs, hidden
// and I multiples of 8, weights and x 16-byte aligned. Meant for a few tokens (decode); prefill, where
// many tokens share each expert, belongs to the grouped GEMMs of ops/moe_grouped.h.
// A pair whose routed id is out of range (NaN router logits) contributes nothing, as in the GEMM path.
#include "backends/cuda/moe_small_batch.h"

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"
#include "backends/cuda/moe.h"

namespace lightvl::cuda {
namespace {

constexpr int kMaxPairs = int(ops::kMoeSmallBatchMaxPairs);
constexpr int kWarps = 8;  // output rows a block; one warp a row
constexpr int kBlockThreads = 32 * kWarps;
// Pairs sharing one read of a weight row (the accumulators a lane keeps). One: the kernels then need
// few registers (more warps resident) and unroll deeper (more loads in flight per warp: the decode step
// is bandwidth-bound), and a row several pairs share is read again from the caches, so HBM traffic stays
// at most one row read per pair. Measured on an H200 (6144 × 9216, 32 experts, top 2) against 8 a pass:
// T = 1: 0.178 vs 0.272 ms, T = 2: 0.327 vs 0.531, T = 4: 0.628 vs 0.933, T = 8: 1.231 vs 1.748
// (2 and 4 a pass fell in between). The kernels keep the count as a template parameter (the
// accumulator arrays' size) so that another choice stays a one-line change to measure.
constexpr int kPairsPerPass = 1;
template <int kPairs>
constexpr int kUnroll = kPairs == 1 ? 4 : 2;  // loop iterations of weight loads issued together
constexpr int kVector = 8;        // elements a lane loads at a time: 16 bytes of bf16/f16, 32 of f32
constexpr int kUsedWords = kMaxSmallBatchExperts / 32;
static_assert(kMaxRouteExperts == kMaxSmallBatchExperts, "routing and the plan cover the same experts");

// The experts' weights, by expert index (the op checked that they share one dtype).
template <int kCap>
struct ExpertTable {
  const void* gate[kCap];
  const void* up[kCap];
  const void* down[kCap];
};

// Pairs grouped by expert, built per block in shared memory from the routed ids.
struct Plan {
  int groups;                   // distinct experts routed to
  int expert[kMaxPairs];        // group → expert index, ascending
  int start[kMaxPairs + 1];     // group → its first entry of `pair`; start[groups] = valid pairs
  int pair[kMaxPairs];          // pair indices, grouped by expert, ascending within a group
  int id[kMaxPairs];            // pair → expert index, −1 when out of range
  uint32_t used[kUsedWords];    // bit set of the experts routed to
};

// Index of the rank-th (0-based) set bit of `bits`, which has more than `rank` set bits.
__device__ __forceinline__ int nth_set_bit(uint32_t bits, int rank) {
  for (int i = 0; i < rank; ++i) bits &= bits - 1;
  return __ffs(bits) - 1;
}

// Fills `plan` from ids [pairs]. Every thread of the block must call it (it synchronises). O(pairs) work
// per thread; pairs ≤ 16 at decode.
__device__ void build_plan(const int32_t* ids, int pairs, int experts, Plan& plan) {
  const int tid = threadIdx.x;
  if (tid < kUsedWords) plan.used[tid] = 0;
  for (int p = tid; p < pairs; p += blockDim.x) {
    const int e = ids[p];
    plan.id[p] = e >= 0 && e < experts ? e : -1;
  }
  __syncthreads();
  for (int p = tid; p < pairs; p += blockDim.x) {
    const int e = plan.id[p];
    if (e >= 0) atomicOr(&plan.used[e >> 5], 1u << (e & 31));
  }
  __syncthreads();
  int groups = 0;
  for (int w = 0; w < kUsedWords; ++w) groups += __popc(plan.used[w]);
  // Group g is the g-th set bit; it starts after the valid pairs of lower experts.
  for (int g = tid; g <= groups; g += blockDim.x) {
    int e = 0x7fffffff, rank = g;
    for (int w = 0; w < kUsedWords && g < groups; ++w) {
      const int n = __popc(plan.used[w]);
      if (rank < n) {
        e = 32 * w + nth_set_bit(plan.used[w], rank);
        break;
      }
      rank -= n;
    }
    int before = 0;
    for (int q = 0; q < pairs; ++q) before += plan.id[q] >= 0 && plan.id[q] < e;
    if (g < groups) plan.expert[g] = e;
    plan.start[g] = before;
  }
  // A valid pair's place: the valid pairs of lower experts, then those of its expert with a lower index.
  for (int p = tid; p < pairs; p += blockDim.x) {
    const int e = plan.id[p];
    if (e < 0) continue;
    int place = 0;
    for (int q = 0; q < pairs; ++q) {
      const int f = plan.id[q];
      place += f >= 0 && (f < e || (f == e && q < p));
    }
    plan.pair[place] = p;
  }
  if (tid == 0) plan.groups = groups;
  __syncthreads();
}

// Eight consecutive elements from 16-byte aligned memory, as f32.
__device__ __forceinline__ void load8(const float* p, float (&v)[kVector]) {
  const float4 a = *reinterpret_cast<const float4*>(p), b = *reinterpret_cast<const float4*>(p + 4);
  v[0] = a.x, v[1] = a.y, v[2] = a.z, v[3] = a.w, v[4] = b.x, v[5] = b.y, v[6] = b.z, v[7] = b.w;
}
__device__ __forceinline__ void load8(const bf16* p, float (&v)[kVector]) {
  const uint4 raw = *reinterpret_cast<const uint4*>(p);
  const __nv_bfloat162* two = reinterpret_cast<const __nv_bfloat162*>(&raw);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 f = __bfloat1622float2(two[i]);
    v[2 * i] = f.x, v[2 * i + 1] = f.y;
  }
}
__device__ __forceinline__ void load8(const __half* p, float (&v)[kVector]) {
  const uint4 raw = *reinterpret_cast<const uint4*>(p);
  const __half2* two = reinterpret_cast<const __half2*>(&raw);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 f = __half22float2(two[i]);
    v[2 * i] = f.x, v[2 * i + 1] = f.y;
  }
}

// The CPU's SwiGLU formula (activation_cpu.cpp): g · sigmoid(g) · u.
__device__ __forceinline__ float swiglu(float g, float u) { return g * (1.0f / (1.0f + expf(-g))) * u; }

// h[p, r] = swiglu(w1_e[r, :] · x_t, w3_e[r, :] · x_t) for the pairs p = t·k + j routed to expert e.
template <typename W, typename A, int kCap, int kPairs>
__global__ void __launch_bounds__(kBlockThreads)
    gate_up_kernel(const A* __restrict__ x, const int32_t* __restrict__ ids, int pairs, int top_k, int experts,
                   const ExpertTable<kCap> table, int64_t hidden, int64_t inter, float* __restrict__ h) {
  __shared__ Plan plan;
  build_plan(ids, pairs, experts, plan);
  const int g = blockIdx.y;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int64_t r = int64_t(blockIdx.x) * kWarps + warp;
  if (g >= plan.groups || r >= inter) return;  // whole warps leave; no block barrier follows
  const int e = plan.expert[g];
  const W* __restrict__ w1 = static_cast<const W*>(table.gate[e]) + r * hidden;
  const W* __restrict__ w3 = static_cast<const W*>(table.up[e]) + r * hidden;
  const int64_t chunks = hidden / kVector;
  for (int first = plan.start[g]; first < plan.start[g + 1]; first += kPairs) {
    const int n = min(kPairs, plan.start[g + 1] - first);
    const A* xs[kPairs];
#pragma unroll
    for (int q = 0; q < kPairs; ++q) xs[q] = x + int64_t(plan.pair[first + min(q, n - 1)] / top_k) * hidden;
    float acc_g[kPairs] = {}, acc_u[kPairs] = {};
#pragma unroll kUnroll<kPairs>
    for (int64_t c = lane; c < chunks; c += 32) {
      float wg[kVector], wu[kVector];
      load8(w1 + c * kVector, wg);
      load8(w3 + c * kVector, wu);
#pragma unroll
      for (int q = 0; q < kPairs; ++q) {
        if (q < n) {
          float xv[kVector];
          load8(xs[q] + c * kVector, xv);
#pragma unroll
          for (int i = 0; i < kVector; ++i) {
            acc_g[q] = fmaf(wg[i], xv[i], acc_g[q]);
            acc_u[q] = fmaf(wu[i], xv[i], acc_u[q]);
          }
        }
      }
    }
#pragma unroll
    for (int q = 0; q < kPairs; ++q) {
      if (q < n) {  // n is the same for the whole warp
        const float gate = warp_sum(acc_g[q]), up = warp_sum(acc_u[q]);
        if (lane == 0) h[int64_t(plan.pair[first + q]) * inter + r] = swiglu(gate, up);
      }
    }
  }
}

// out[t, r] = Σ_j weights[t·k + j] · (w2_e[r, :] · h[t·k + j, :]), e the pair's expert, j ascending.
template <typename W, typename A, int kCap, int kPairs>
__global__ void __launch_bounds__(kBlockThreads)
    down_kernel(const float* __restrict__ h, const int32_t* __restrict__ ids, const float* __restrict__ weights,
                int64_t tokens, int top_k, int experts, const ExpertTable<kCap> table, int64_t hidden,
                int64_t inter, A* __restrict__ out) {
  __shared__ Plan plan;
  __shared__ float dots[kWarps][kMaxPairs];
  const int pairs = int(tokens) * top_k;
  build_plan(ids, pairs, experts, plan);
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int64_t r = int64_t(blockIdx.x) * kWarps + warp;
  if (r >= hidden) return;  // whole warps leave; no block barrier follows
  float* dot = dots[warp];
  const int64_t chunks = inter / kVector;
  for (int g = 0; g < plan.groups; ++g) {
    const W* __restrict__ w2 = static_cast<const W*>(table.down[plan.expert[g]]) + r * inter;
    for (int first = plan.start[g]; first < plan.start[g + 1]; first += kPairs) {
      const int n = min(kPairs, plan.start[g + 1] - first);
      const float* hs[kPairs];
#pragma unroll
      for (int q = 0; q < kPairs; ++q) hs[q] = h + int64_t(plan.pair[first + min(q, n - 1)]) * inter;
      float acc[kPairs] = {};
#pragma unroll kUnroll<kPairs>
      for (int64_t c = lane; c < chunks; c += 32) {
        float wd[kVector];
        load8(w2 + c * kVector, wd);
#pragma unroll
        for (int q = 0; q < kPairs; ++q) {
          if (q < n) {
            float hv[kVector];
            load8(hs[q] + c * kVector, hv);
#pragma unroll
            for (int i = 0; i < kVector; ++i) acc[q] = fmaf(wd[i], hv[i], acc[q]);
          }
        }
      }
#pragma unroll
      for (int q = 0; q < kPairs; ++q) {
        if (q < n) {
          const float d = warp_sum(acc[q]);
          if (lane == 0) dot[plan.pair[first + q]] = d;
        }
      }
    }
  }
  __syncwarp();  // lane 0's dots are visible to the lanes that combine them
  for (int64_t t = lane; t < tokens; t += 32) {
    float sum = 0.0f;
    for (int j = 0; j < top_k; ++j) {
      const int p = int(t) * top_k + j;
      if (plan.id[p] >= 0) sum += weights[p] * dot[p];
    }
    out[t * hidden + r] = from_float<A>(sum);
  }
}

template <int kCap>
ExpertTable<kCap> make_table(const std::vector<ops::MoeExpert>& experts) {
  ExpertTable<kCap> table{};
  for (size_t e = 0; e < experts.size(); ++e) {
    table.gate[e] = experts[e].gate->raw();
    table.up[e] = experts[e].up->raw();
    table.down[e] = experts[e].down->raw();
  }
  return table;
}

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

}  // namespace

bool moe_experts_small_batch_supported(const Tensor& x, int top_k, const std::vector<ops::MoeExpert>& experts) {
  if (experts.empty() || int64_t(experts.size()) > kMaxSmallBatchExperts || top_k > kMaxSmallBatchTopK) return false;
  if (x.rank() != 2 || x.dim(1) % kVector != 0 || !aligned16(x.raw())) return false;
  if (experts[0].gate->rank() != 2 || experts[0].gate->dim(0) % kVector != 0) return false;
  for (const ops::MoeExpert& e : experts) {
    if (!aligned16(e.gate->raw()) || !aligned16(e.up->raw()) || !aligned16(e.down->raw())) return false;
  }
  return true;
}

void moe_experts_small_batch(const Tensor& x, const Tensor& router_logits, int top_k,
                             const std::vector<ops::MoeExpert>& experts, Tensor& out) {
  const int64_t tokens = x.dim(0), hidden = x.dim(1), inter = experts[0].gate->dim(0);
  const int num_experts = int(experts.size()), pairs = int(tokens) * top_k;
  if (tokens == 0 || hidden == 0) return;
  if (inter == 0) return fill_zero(out);  // empty experts: every product is an empty sum
  Tensor ids = empty(DType::kI32, {pairs});
  Tensor weights = empty(DType::kF32, {pairs});
  Tensor h = empty(DType::kF32, {pairs, inter});
  moe_route_on_device(router_logits, top_k, ids, weights);
  const cudaStream_t stream = current_context().stream;
  const auto launch = [&](auto capacity, auto pairs_per_pass) {
    constexpr int kCap = decltype(capacity)::value;
    constexpr int kPairs = decltype(pairs_per_pass)::value;
    const ExpertTable<kCap> table = make_table<kCap>(experts);
    with_float_type(experts[0].gate->dtype(), "moe_experts_small_batch weights", [&](auto weight_tag) {
      using W = decltype(weight_tag);
      with_activation_type(x.dtype(), "moe_experts_small_batch", [&](auto act_tag) {
        using A = decltype(act_tag);
        const dim3 gate_up_grid(unsigned((inter + kWarps - 1) / kWarps), unsigned(std::min(pairs, num_experts)));
        gate_up_kernel<W, A, kCap, kPairs><<<gate_up_grid, kBlockThreads, 0, stream>>>(
            elements<A>(x), ids.data<int32_t>(), pairs, top_k, num_experts, table, hidden, inter, h.data<float>());
        check_launch();
        down_kernel<W, A, kCap, kPairs><<<unsigned((hidden + kWarps - 1) / kWarps), kBlockThreads, 0, stream>>>(
            h.data<float>(), ids.data<int32_t>(), weights.data<float>(), tokens, top_k, num_experts, table, hidden,
            inter, elements<A>(out));
        check_launch();
      });
    });
  };
  constexpr auto pairs_per_pass = std::integral_constant<int, kPairsPerPass>{};
  if (num_experts <= 64) {
    launch(std::integral_constant<int, 64>{}, pairs_per_pass);
  } else {
    launch(std::integral_constant<int, kMaxSmallBatchExperts>{}, pairs_per_pass);
  }
}

}  // namespace lightvl::cuda
