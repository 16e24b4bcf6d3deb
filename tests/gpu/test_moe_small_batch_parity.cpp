// CUDA parity of the fused small-batch MoE (ops/moe_small_batch.h) with its CPU reference: f32 and bf16
// activations, f32, bf16 and f16 expert weights, T in {1, 2, 5, 8}, E in {8, 32} (and 100, the large
// pointer table), top_k 1, 2 and 8, sizes that are not powers of two, one moderately large layer, ties,
// and the determinism of repeated calls.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <tuple>

#include "gpu_test_util.h"
#include "moe_experts.h"
#include "ops/moe_small_batch.h"

namespace lightvl {
namespace {
using test::random_values;
using test::to_gpu;

using Types = test::MoeTypes;  // activation dtype, weight dtype
using Experts = test::GpuExperts;
constexpr auto make_experts = test::make_gpu_experts;

class CudaMoeSmallBatch : public test::CudaMoeOpTest<ops::moe_experts_small_batch, ops::moe_experts_small_batch_supported> {};

TEST_P(CudaMoeSmallBatch, MatchesCpu) {
  const auto [act, weight] = GetParam();
  const int64_t hidden = 192, inter = 320;
  for (const int num_experts : {8, 32}) {
    const Experts ex = make_experts(num_experts, hidden, inter, weight, 1000 + uint32_t(num_experts));
    for (const int top_k : {1, 2}) {
      for (const int64_t tokens : {1, 2, 5, 8}) {
        // Logits rounded through the activation dtype: both backends route on the same numbers.
        const Tensor x = random_values({tokens, hidden}, uint32_t(17 * tokens + top_k), 1.0f, act);
        const Tensor logits = random_values({tokens, num_experts}, uint32_t(19 * tokens + top_k), 2.0f, act);
        expect_parity_for(ex, x, logits, top_k, act, label("moe_experts_small_batch", num_experts, top_k, tokens));
      }
    }
  }
}

TEST_P(CudaMoeSmallBatch, ManyExpertsAndTopEight) {
  const auto [act, weight] = GetParam();
  const int64_t hidden = 64, inter = 40;
  const Experts ex = make_experts(100, hidden, inter, weight, 2000);  // > 64 experts: the 6 KiB table
  for (const int64_t tokens : {1, 8, 32}) {  // 32 tokens x 8 = 256 pairs, the op's limit
    const Tensor x = random_values({tokens, hidden}, uint32_t(23 + tokens), 1.0f, act);
    const Tensor logits = random_values({tokens, 100}, uint32_t(29 + tokens), 3.0f, act);
    expect_parity_for(ex, x, logits, 8, act, label("moe_experts_small_batch", 100, 8, tokens));
  }
}

TEST_P(CudaMoeSmallBatch, ModeratelyLargeLayer) {
  const auto [act, weight] = GetParam();
  const int64_t hidden = 1024, inter = 1536;
  const Experts ex = make_experts(8, hidden, inter, weight, 3000);
  for (const int64_t tokens : {1, 8}) {
    const Tensor x = random_values({tokens, hidden}, uint32_t(31 + tokens), 1.0f, act);
    const Tensor logits = random_values({tokens, 8}, uint32_t(37 + tokens), 2.0f, act);
    expect_parity_for(ex, x, logits, 2, act, label("moe_experts_small_batch 1024x1536", 8, 2, tokens));
  }
}

TEST_P(CudaMoeSmallBatch, TiesAndSharedExpertsMatchCpu) {
  const auto [act, weight] = GetParam();
  const int64_t hidden = 48, inter = 56;
  const Experts ex = make_experts(8, hidden, inter, weight, 4000);
  // Every token has the same logits with a three-way tie at the top: all 6 tokens route to experts 1
  // and 4 (ties to the lower index), so one expert serves 6 pairs in one pass.
  Tensor logits = Tensor::zeros(DType::kF32, {6, 8});
  for (int t = 0; t < 6; ++t) {
    for (int e = 0; e < 8; ++e) logits.data<float>()[t * 8 + e] = (e == 1 || e == 4 || e == 6) ? 1.0f : -0.5f;
  }
  const Tensor x = random_values({6, hidden}, 4001, 1.0f, act);
  expect_parity_for(ex, x, logits, 2, act, label("moe_experts_small_batch ties", 8, 2, 6));
}

TEST_P(CudaMoeSmallBatch, RepeatedCallsAreBitwiseEqual) {
  const auto [act, weight] = GetParam();
  const int64_t hidden = 192, inter = 320;
  const Experts ex = make_experts(8, hidden, inter, weight, 5000);
  const Tensor gx = to_gpu(random_values({5, hidden}, 5001, 1.0f, act), act);
  const Tensor glogits = to_gpu(random_values({5, 8}, 5002, 2.0f, act), act);
  Tensor first = ops::empty(act, {5, hidden}, Device::kCuda), second = ops::empty(act, {5, hidden}, Device::kCuda);
  ops::moe_experts_small_batch(gx, glogits, 2, ex.device_views, first);
  ops::moe_experts_small_batch(gx, glogits, 2, ex.device_views, second);
  const Tensor a = ops::to_device(first, Device::kCpu), b = ops::to_device(second, Device::kCpu);
  EXPECT_EQ(std::memcmp(a.raw(), b.raw(), a.nbytes()), 0);
}

INSTANTIATE_TEST_SUITE_P(Types, CudaMoeSmallBatch,
                         ::testing::Values(Types{DType::kF32, DType::kF32}, Types{DType::kBF16, DType::kBF16},
                                           Types{DType::kF32, DType::kBF16}, Types{DType::kBF16, DType::kF16}),
                         [](const auto& info) {
                           return "act_" + test::name_of(std::get<0>(info.param)) + "_w_" +
                                  test::name_of(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace lightvl
