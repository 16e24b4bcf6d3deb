// CUDA parity of MoE routing (ids exactly, weights to f32 rounding; ties to the lower index) and of the
// row gather / scatter-add (repeated target rows summed in the caller's order), for f32 and bf16.
#include <gtest/gtest.h>

#include "gpu_test_util.h"
#include "ops/moe.h"

namespace lightvl {
namespace {
using test::expect_parity;
using test::random_values;
using test::to_gpu;

class CudaMoe : public test::CudaTestWithParam<DType> {};

TEST_P(CudaMoe, RoutingMatchesCpu) {
  const DType act = GetParam();
  for (const int experts : {4, 32, 200}) {
    for (const int top_k : {1, 2, 4}) {
      const Tensor logits = random_values({67, experts}, uint32_t(21 + experts), 2.0f, act);
      const ops::Routing want = ops::moe_route(logits, top_k);
      const ops::Routing got = ops::moe_route(to_gpu(logits, act), top_k);
      const std::string label = "moe_route E=" + std::to_string(experts) + " k=" + std::to_string(top_k) + " " +
                                test::name_of(act);
      ASSERT_EQ(got.top_k, top_k);
      EXPECT_EQ(got.expert_ids, want.expert_ids) << label;
      double max_err = 0.0;
      for (size_t i = 0; i < want.weights.size(); ++i) {
        max_err = std::max(max_err, double(std::abs(got.weights[i] - want.weights[i])));
      }
      std::printf("[ figure ] %s: weights max abs err %.3g (tolerance 1e-06)\n", label.c_str(), max_err);
      EXPECT_LE(max_err, 1e-6) << label;
    }
  }
}

TEST_P(CudaMoe, TiesGoToTheLowerExpert) {
  Tensor logits = Tensor::zeros(DType::kF32, {2, 40});
  for (int e = 0; e < 40; ++e) logits.data<float>()[e] = (e == 5 || e == 37 || e == 33) ? 1.0f : 0.0f;
  for (int e = 0; e < 40; ++e) logits.data<float>()[40 + e] = 0.5f;  // all equal
  const ops::Routing got = ops::moe_route(to_gpu(logits, GetParam()), 3);
  EXPECT_EQ(got.expert_ids, (std::vector<int32_t>{5, 33, 37, 0, 1, 2}));
  for (float w : got.weights) EXPECT_NEAR(w, 1.0f / 3.0f, 1e-6f);
}

TEST_P(CudaMoe, GatherAndScatterAddMatchCpu) {
  const DType act = GetParam();
  const int64_t tokens = 9, cols = 1000;
  const Tensor x = random_values({tokens, cols}, 31, 1.0f, act);
  const std::vector<int32_t> rows = {3, 8, 0, 3, 5, 3, 8};  // repeated rows: order of addition matters
  const std::vector<float> scales = {0.5f, -1.25f, 2.0f, 0.75f, 1.0f, -0.5f, 0.125f};

  Tensor want_picked = Tensor::zeros(DType::kF32, {int64_t(rows.size()), cols});
  ops::gather_rows(x, rows, want_picked);
  const Tensor gx = to_gpu(x, act);
  Tensor got_picked = ops::empty(act, want_picked.shape(), Device::kCuda);
  ops::gather_rows(gx, rows, got_picked);
  expect_parity(got_picked, want_picked, "gather_rows " + test::name_of(act), act);

  Tensor want_acc = random_values({tokens, cols}, 32, 1.0f, act);
  Tensor got_acc = to_gpu(want_acc, act);
  ops::scatter_add_rows(want_picked, rows, scales, want_acc);
  ops::scatter_add_rows(got_picked, rows, scales, got_acc);
  expect_parity(got_acc, want_acc, "scatter_add_rows " + test::name_of(act), act);
}

INSTANTIATE_TEST_SUITE_P(Types, CudaMoe, ::testing::Values(DType::kF32, DType::kBF16),
                         [](const auto& info) { return test::name_of(info.param); });

}  // namespace
}  // namespace lightvl
