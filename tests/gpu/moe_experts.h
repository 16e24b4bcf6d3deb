// Random MoE experts for the CUDA MoE parity tests (test_moe_small_batch_parity.cpp,
// test_moe_grouped_parity.cpp): the same weights on the host (the CPU reference's) and on the GPU.
#pragma once

#include <cmath>
#include <vector>

#include "core/tensor.h"
#include "gpu_test_util.h"
#include "ops/moe_small_batch.h"

namespace lightvl::test {

// E experts' weights on the host (f32 values exactly representable in the weight dtype) and on the GPU.
struct GpuExperts {
  std::vector<Tensor> host, device;  // gate, up, down per expert
  std::vector<ops::MoeExpert> host_views, device_views;
};

inline GpuExperts make_gpu_experts(int num_experts, int64_t hidden, int64_t inter, DType weight, uint32_t seed) {
  GpuExperts ex;
  for (int e = 0; e < num_experts; ++e) {
    const uint32_t s = seed + 3 * uint32_t(e);
    ex.host.push_back(random_values({inter, hidden}, s, 1.0f / std::sqrt(float(hidden)), weight));
    ex.host.push_back(random_values({inter, hidden}, s + 1, 1.0f / std::sqrt(float(hidden)), weight));
    ex.host.push_back(random_values({hidden, inter}, s + 2, 1.0f / std::sqrt(float(inter)), weight));
  }
  for (const Tensor& t : ex.host) ex.device.push_back(to_gpu(t, weight));
  for (size_t i = 0; i < ex.host.size(); i += 3) {
    ex.host_views.push_back({&ex.host[i], &ex.host[i + 1], &ex.host[i + 2]});
    ex.device_views.push_back({&ex.device[i], &ex.device[i + 1], &ex.device[i + 2]});
  }
  return ex;
}

}  // namespace lightvl::test
