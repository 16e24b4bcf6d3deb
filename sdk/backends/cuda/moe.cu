// CUDA MoE routing and row permutation.
//
// Routing: one warp per token, lane l holding experts l, l + 32, ... (E ≤ 256). f32 softmax with max
// subtraction (warp max, warp sum), then top_k rounds of a warp arg-max over the remaining experts in
// which a tie goes to the lower expert index (matching the CPU's stable sort and torch.topk on CUDA);
// the chosen probabilities are summed in rank order and each is divided by that sum (spec §6). moe_route
// copies the ids and weights back to the host, which waits for the device; moe_route_on_device leaves
// them in device memory.
// gather_rows: block per output row, threads over columns. scatter_add_rows: the host groups the sources
// by target row (keeping their order), and one block per target row adds its sources in that order, so
// repeated targets are race-free and summed in the caller's order, accumulating in f32 and rounding once.
#include "backends/cuda/moe.h"

#include <algorithm>
#include <numeric>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

constexpr int kExpertsPerLane = kMaxRouteExperts / 32;
constexpr int kMaxGridRows = 65535;

template <typename T>
__global__ void route_kernel(const T* logits, int64_t tokens, int experts, int top_k, int32_t* ids, float* weights) {
  const int lane = threadIdx.x & 31;
  const int64_t t = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
  if (t >= tokens) return;  // t is the same for the whole warp, so warps exit whole
  const T* z = logits + t * experts;
  float p[kExpertsPerLane];
  float local_max = -INFINITY;
#pragma unroll
  for (int i = 0; i < kExpertsPerLane; ++i) {
    const int e = lane + 32 * i;
    p[i] = e < experts ? to_float(z[e]) : -INFINITY;
    local_max = fmaxf(local_max, p[i]);
  }
  const float max_z = warp_max(local_max);
  float local_sum = 0.0f;
#pragma unroll
  for (int i = 0; i < kExpertsPerLane; ++i) {
    if (lane + 32 * i < experts) {
      p[i] = expf(p[i] - max_z);
      local_sum += p[i];
    }
  }
  const float total = warp_sum(local_sum);
#pragma unroll
  for (int i = 0; i < kExpertsPerLane; ++i) p[i] = lane + 32 * i < experts ? p[i] / total : -1.0f;  // -1: not an expert

  float chosen_sum = 0.0f;
  for (int j = 0; j < top_k; ++j) {
    // This lane's best remaining expert (ascending i, so a tie keeps the lower index) ...
    float best = -2.0f;
    int best_e = 0x7fffffff;
#pragma unroll
    for (int i = 0; i < kExpertsPerLane; ++i) {
      if (p[i] > best) {
        best = p[i];
        best_e = lane + 32 * i;
      }
    }
    // ... then the warp's, ties to the lower index; afterwards every lane holds the same pair.
    for (int offset = 16; offset > 0; offset >>= 1) {
      const float other = __shfl_xor_sync(kFullMask, best, offset);
      const int other_e = __shfl_xor_sync(kFullMask, best_e, offset);
      if (other > best || (other == best && other_e < best_e)) {
        best = other;
        best_e = other_e;
      }
    }
#pragma unroll
    for (int i = 0; i < kExpertsPerLane; ++i) {
      if (lane + 32 * i == best_e) p[i] = -1.0f;  // taken (probabilities are ≥ 0)
    }
    chosen_sum += best;
    if (lane == 0) {
      ids[t * top_k + j] = best_e;
      weights[t * top_k + j] = best;
    }
  }
  if (lane == 0) {
    for (int j = 0; j < top_k; ++j) weights[t * top_k + j] /= chosen_sum;
  }
}

template <typename T>
__global__ void gather_rows_kernel(const T* x, const int32_t* rows, T* out, int64_t count, int64_t cols) {
  for (int64_t i = blockIdx.x; i < count; i += gridDim.x) {
    const T* src = x + int64_t(rows[i]) * cols;
    T* dst = out + i * cols;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) dst[c] = src[c];
  }
}

// Target row targets[g] receives sources order[starts[g] .. starts[g + 1]) in that order.
template <typename T>
__global__ void scatter_add_kernel(const T* y, const int32_t* targets, const int32_t* starts, const int32_t* order,
                                   const float* scales, T* acc, int64_t groups, int64_t cols) {
  for (int64_t g = blockIdx.x; g < groups; g += gridDim.x) {
    T* dst = acc + int64_t(targets[g]) * cols;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
      float sum = to_float(dst[c]);
      for (int32_t s = starts[g]; s < starts[g + 1]; ++s) {
        sum += scales[order[s]] * to_float(y[int64_t(order[s]) * cols + c]);
      }
      dst[c] = from_float<T>(sum);
    }
  }
}

}  // namespace

void moe_route_on_device(const Tensor& router_logits, int top_k, Tensor& ids, Tensor& weights) {
  const int64_t tokens = router_logits.dim(0);
  const int experts = int(router_logits.dim(1));
  require(experts <= kMaxRouteExperts, ErrorCode::kUnsupported,
          "moe_route on CUDA handles at most " + std::to_string(kMaxRouteExperts) + " experts, got " +
              std::to_string(experts));
  if (tokens == 0) return;
  const cudaStream_t stream = current_context().stream;
  const int64_t warps_per_block = kThreads / 32;
  with_activation_type(router_logits.dtype(), "moe_route", [&](auto tag) {
    using T = decltype(tag);
    route_kernel<T><<<unsigned((tokens + warps_per_block - 1) / warps_per_block), kThreads, 0, stream>>>(
        elements<T>(router_logits), tokens, experts, top_k, ids.data<int32_t>(), weights.data<float>());
    check_launch();
  });
}

ops::Routing moe_route(const Tensor& router_logits, int top_k) {
  const int64_t tokens = router_logits.dim(0);
  ops::Routing routing;
  routing.top_k = top_k;
  routing.expert_ids.resize(size_t(tokens * top_k));
  routing.weights.resize(size_t(tokens * top_k));
  Tensor ids = empty(DType::kI32, {tokens * top_k});
  Tensor weights = empty(DType::kF32, {tokens * top_k});
  moe_route_on_device(router_logits, top_k, ids, weights);
  if (tokens == 0) return routing;
  Tensor host_ids(DType::kI32, {tokens * top_k}, routing.expert_ids.data(), nullptr);
  Tensor host_weights(DType::kF32, {tokens * top_k}, routing.weights.data(), nullptr);
  copy(ids, host_ids);
  copy(weights, host_weights);
  return routing;
}

void gather_rows(const Tensor& x, const std::vector<int32_t>& rows, Tensor& out) {
  const int64_t count = int64_t(rows.size()), cols = x.dim(1);
  if (count == 0 || cols == 0) return;
  const Tensor d_rows = upload(rows.data(), DType::kI32, {count});
  const cudaStream_t stream = current_context().stream;
  with_activation_type(x.dtype(), "gather_rows", [&](auto tag) {
    using T = decltype(tag);
    gather_rows_kernel<T><<<unsigned(std::min<int64_t>(count, kMaxGridRows)), kThreads, 0, stream>>>(
        elements<T>(x), d_rows.data<int32_t>(), elements<T>(out), count, cols);
    check_launch();
  });
}

void scatter_add_rows(const Tensor& y, const std::vector<int32_t>& rows, const std::vector<float>& scales,
                      Tensor& acc) {
  const int64_t count = int64_t(rows.size()), cols = y.dim(1);
  if (count == 0 || cols == 0) return;
  // Group the sources by target row; stable, so each group keeps the caller's order.
  std::vector<int32_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return rows[size_t(a)] < rows[size_t(b)]; });
  std::vector<int32_t> targets, starts;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || rows[size_t(order[i])] != rows[size_t(order[i - 1])]) {
      targets.push_back(rows[size_t(order[i])]);
      starts.push_back(int32_t(i));
    }
  }
  starts.push_back(int32_t(order.size()));
  const int64_t groups = int64_t(targets.size());
  const Tensor d_targets = upload(targets.data(), DType::kI32, {groups});
  const Tensor d_starts = upload(starts.data(), DType::kI32, {groups + 1});
  const Tensor d_order = upload(order.data(), DType::kI32, {count});
  const Tensor d_scales = upload(scales.data(), DType::kF32, {count});
  const cudaStream_t stream = current_context().stream;
  with_activation_type(y.dtype(), "scatter_add_rows", [&](auto tag) {
    using T = decltype(tag);
    scatter_add_kernel<T><<<unsigned(std::min<int64_t>(groups, kMaxGridRows)), kThreads, 0, stream>>>(
        elements<T>(y), d_targets.data<int32_t>(), d_starts.data<int32_t>(), d_order.data<int32_t>(),
        d_scales.data<float>(), elements<T>(acc), groups, cols);
    check_launch();
  });
}

}  // namespace lightvl::cuda
