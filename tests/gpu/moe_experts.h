// Random MoE experts for the CUDA MoE parity tests (test_moe_small_batch_parity.cpp,
// test_moe_grouped_parity.cpp): the same weights on the host (the CPU reference's) and on the GPU.
#pragma once

#include <cmath>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "core/tensor.h"
#include "gpu_test_util.h"
#include "ops/device_memory.h"
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

// One MoE op and its `supported` predicate (ops::moe_experts_small_batch / ops::moe_experts_grouped).
using MoeOp = std::function<void(const Tensor&, const Tensor&, int, const std::vector<ops::MoeExpert>&, Tensor&)>;
using MoeSupported = std::function<bool(const Tensor&, int, const std::vector<ops::MoeExpert>&)>;

// Runs `op` on the CPU (f32, the reference) and on CUDA (activations `act`) on the same numbers and checks
// parity at the dtype's tolerance; the CUDA operands must be `supported`.
inline void expect_moe_parity(const MoeOp& op, const MoeSupported& supported, const GpuExperts& ex, const Tensor& x,
                              const Tensor& logits, int top_k, DType act, const std::string& what) {
  Tensor want = Tensor::zeros(DType::kF32, x.shape());
  op(x, logits, top_k, ex.host_views, want);
  const Tensor gx = to_gpu(x, act), glogits = to_gpu(logits, act);
  ASSERT_TRUE(supported(gx, top_k, ex.device_views)) << what;
  Tensor got = ops::empty(act, x.shape(), Device::kCuda);
  op(gx, glogits, top_k, ex.device_views, got);
  expect_parity(got, want, what, act);
}

// The parameter of the MoE parity suites (activation dtype, weight dtype) and a case label from it.
using MoeTypes = std::tuple<DType, DType>;
inline std::string moe_label(const MoeTypes& types, const std::string& what, int experts, int top_k, int64_t tokens) {
  return what + " act " + name_of(std::get<0>(types)) + " w " + name_of(std::get<1>(types)) +
         " E=" + std::to_string(experts) + " k=" + std::to_string(top_k) + " T=" + std::to_string(tokens);
}

// The fixture of a MoE op's parity suite, parameterised by (activation, weight) dtypes: `op` and its
// `supported` predicate checked on the CPU and CUDA (expect_parity_for) and case labels from the parameter.
template <auto kOp, auto kSupported>
class CudaMoeOpTest : public CudaTestWithParam<MoeTypes> {
 protected:
  void expect_parity_for(const GpuExperts& ex, const Tensor& x, const Tensor& logits, int top_k, DType act,
                         const std::string& what) const {
    expect_moe_parity(kOp, kSupported, ex, x, logits, top_k, act, what);
  }
  std::string label(const char* what, int experts, int top_k, int64_t tokens) const {
    return moe_label(GetParam(), what, experts, top_k, tokens);
  }
};

}  // namespace lightvl::test
