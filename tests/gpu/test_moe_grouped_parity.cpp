// CUDA parity of the grouped-GEMM MoE (ops/moe_grouped.h) with its CPU reference: f32 activations with
// f32 weights and bf16 with bf16, T in {9, 100, 1000}, E in {8, 32}, top_k 2, sizes that are not powers
// of two, one moderately large layer (T = 512, 1024×1536, E = 32), an expert that receives no tokens, and
// the determinism of repeated calls.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <tuple>

#include "gpu_test_util.h"
#include "moe_experts.h"
#include "ops/moe_grouped.h"

namespace lightvl {
namespace {
using test::random_values;
using test::to_gpu;

using Types = test::MoeTypes;  // activation dtype, weight dtype
using Experts = test::GpuExperts;
constexpr auto make_experts = test::make_gpu_experts;

class CudaMoeGrouped : public test::CudaMoeOpTest<ops::moe_experts_grouped, ops::moe_experts_grouped_supported> {};

TEST_P(CudaMoeGrouped, MatchesCpu) {
  const auto [act, weight] = GetParam();
  const int64_t hidden = 192, inter = 320;
  for (const int num_experts : {8, 32}) {
    const Experts ex = make_experts(num_experts, hidden, inter, weight, 6000 + uint32_t(num_experts));
    for (const int64_t tokens : {9, 100, 1000}) {
      // Logits rounded through the activation dtype: both backends route on the same numbers.
      const Tensor x = random_values({tokens, hidden}, uint32_t(41 * tokens + num_experts), 1.0f, act);
      const Tensor logits = random_values({tokens, num_experts}, uint32_t(43 * tokens + num_experts), 2.0f, act);
      expect_parity_for(ex, x, logits, 2, act, label("moe_experts_grouped", num_experts, 2, tokens));
    }
  }
}

TEST_P(CudaMoeGrouped, ModeratelyLargeLayer) {
  const auto [act, weight] = GetParam();
  const int64_t hidden = 1024, inter = 1536, tokens = 512;
  const Experts ex = make_experts(32, hidden, inter, weight, 7000);
  const Tensor x = random_values({tokens, hidden}, 7001, 1.0f, act);
  const Tensor logits = random_values({tokens, 32}, 7002, 2.0f, act);
  expect_parity_for(ex, x, logits, 2, act, label("moe_experts_grouped 1024x1536", 32, 2, tokens));
}

TEST_P(CudaMoeGrouped, ExpertWithoutTokens) {
  const auto [act, weight] = GetParam();
  const int64_t hidden = 192, inter = 320, tokens = 100;
  const Experts ex = make_experts(8, hidden, inter, weight, 8000);
  // Experts 0 and 5 are never chosen (their logits far below the rest): the first and a middle group
  // are empty, so the offsets of the others must skip them.
  Tensor logits = random_values({tokens, 8}, 8001, 1.0f, act);
  for (int64_t t = 0; t < tokens; ++t) {
    logits.data<float>()[t * 8 + 0] = -100.0f;
    logits.data<float>()[t * 8 + 5] = -100.0f;
  }
  const Tensor x = random_values({tokens, hidden}, 8002, 1.0f, act);
  expect_parity_for(ex, x, logits, 2, act, label("moe_experts_grouped idle experts 0, 5", 8, 2, tokens));
}

TEST_P(CudaMoeGrouped, RepeatedCallsAreBitwiseEqual) {
  const auto [act, weight] = GetParam();
  const int64_t hidden = 192, inter = 320, tokens = 100;
  const Experts ex = make_experts(8, hidden, inter, weight, 9000);
  const Tensor gx = to_gpu(random_values({tokens, hidden}, 9001, 1.0f, act), act);
  const Tensor glogits = to_gpu(random_values({tokens, 8}, 9002, 2.0f, act), act);
  Tensor first = ops::empty(act, {tokens, hidden}, Device::kCuda);
  Tensor second = ops::empty(act, {tokens, hidden}, Device::kCuda);
  ops::moe_experts_grouped(gx, glogits, 2, ex.device_views, first);
  ops::moe_experts_grouped(gx, glogits, 2, ex.device_views, second);
  const Tensor a = ops::to_device(first, Device::kCpu), b = ops::to_device(second, Device::kCpu);
  EXPECT_EQ(std::memcmp(a.raw(), b.raw(), a.nbytes()), 0);
}

TEST_P(CudaMoeGrouped, RefusesMixedDtypes) {
  const auto [act, weight] = GetParam();
  const DType other = weight == DType::kF32 ? DType::kBF16 : DType::kF32;
  const Experts ex = make_experts(4, 64, 32, other, 9500);
  const Tensor gx = to_gpu(random_values({4, 64}, 9501, 1.0f, act), act);
  EXPECT_FALSE(ops::moe_experts_grouped_supported(gx, 2, ex.device_views));
}

INSTANTIATE_TEST_SUITE_P(Types, CudaMoeGrouped,
                         ::testing::Values(Types{DType::kF32, DType::kF32}, Types{DType::kBF16, DType::kBF16}),
                         [](const auto& info) {
                           return "act_" + test::name_of(std::get<0>(info.param)) + "_w_" +
                                  test::name_of(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace lightvl
