// MoE routing against hand-computed softmax/top-k values, and the row permutation ops.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "op_test_util.h"
#include "ops/moe.h"

namespace lightvl {
namespace {

TEST(MoeRoute, TopTwoRenormalisedWithLowerIndexOnTies) {
  Tensor logits = Tensor::zeros(DType::kF32, {2, 4});
  const float z[8] = {0.1f, 2.0f, -1.0f, 1.5f,   // token 0: experts 1 then 3
                      0.7f, 0.7f, 0.7f, 0.2f};   // token 1: three-way tie -> experts 0 and 1
  std::copy(z, z + 8, logits.data<float>());
  const ops::Routing r = ops::moe_route(logits, 2);
  ASSERT_EQ(r.expert_ids, (std::vector<int32_t>{1, 3, 0, 1}));
  const double p1 = std::exp(2.0), p3 = std::exp(1.5);
  EXPECT_NEAR(r.weights[0], p1 / (p1 + p3), 1e-6);
  EXPECT_NEAR(r.weights[1], p3 / (p1 + p3), 1e-6);
  EXPECT_NEAR(r.weights[2], 0.5, 1e-6);
  EXPECT_NEAR(r.weights[3], 0.5, 1e-6);
}

TEST(MoeRoute, RejectsTopKLargerThanExperts) {
  Tensor logits = Tensor::zeros(DType::kF32, {1, 2});
  EXPECT_THROW(ops::moe_route(logits, 3), Error);
}

TEST(MoeRows, GatherThenScatterAddsScaledRows) {
  Tensor x = test::random_tensor({4, 3}, 51);
  Tensor picked = Tensor::zeros(DType::kF32, {2, 3});
  ops::gather_rows(x, {3, 1}, picked);
  Tensor acc = Tensor::zeros(DType::kF32, {4, 3});
  ops::scatter_add_rows(picked, {0, 0}, {0.5f, 2.0f}, acc);
  for (int c = 0; c < 3; ++c) {
    EXPECT_FLOAT_EQ(acc.data<float>()[c], 0.5f * x.data<float>()[9 + c] + 2.0f * x.data<float>()[3 + c]);
    EXPECT_EQ(acc.data<float>()[3 + c], 0.0f);
  }
}

}  // namespace
}  // namespace lightvl
