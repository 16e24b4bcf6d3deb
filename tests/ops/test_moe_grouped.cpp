// The grouped-GEMM MoE op (ops/moe_grouped.h) on the CPU against the per-expert composition the backbone
// uses (moe_route, gather_rows, linear, swiglu, linear, scatter_add_rows), an expert that receives no
// tokens, and its refusal of bad operands.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/error.h"
#include "moe_test_util.h"
#include "op_test_util.h"
#include "ops/activation.h"
#include "ops/linear.h"
#include "ops/moe.h"
#include "ops/moe_grouped.h"

namespace lightvl {
namespace {

using test::Experts;
using test::error_code_of;
using test::make_experts;


Tensor run_op(const Tensor& x, const Tensor& logits, int top_k, const Experts& ex) {
  Tensor out = Tensor::zeros(DType::kF32, x.shape());
  ops::moe_experts_grouped(x, logits, top_k, ex.views, out);
  return out;
}

TEST(MoeGrouped, MatchesThePerExpertComposition) {
  // hidden and I not multiples of 8 or powers of two.
  const int64_t hidden = 20, inter = 36;
  for (const DType dtype : {DType::kF32, DType::kBF16}) {
    for (const int num_experts : {8, 32}) {
      const Experts ex = make_experts(num_experts, hidden, inter, dtype, 600 + uint32_t(num_experts));
      for (const int top_k : {1, 2}) {
        for (const int64_t tokens : {1, 7, 100}) {  // 100 tokens: more pairs than the small-batch op takes
          const Tensor x = test::random_tensor({tokens, hidden}, uint32_t(13 * tokens + top_k));
          const Tensor logits = test::random_tensor({tokens, num_experts}, uint32_t(17 * tokens + top_k), 2.0f);
          ASSERT_TRUE(ops::moe_experts_grouped_supported(x, top_k, ex.views));
          const std::string what = std::string("moe_experts_grouped ") + dtype_name(dtype) + " E=" +
                                   std::to_string(num_experts) + " k=" + std::to_string(top_k) + " T=" +
                                   std::to_string(tokens);
          // k ≤ 2: the same f32 operations in the same order up to a + b = b + a, so equal to rounding.
          EXPECT_LE(test::max_relative_error(run_op(x, logits, top_k, ex),
                                             test::as_doubles(test::moe_composition(x, logits, top_k, ex)), what.c_str()),
                    1e-6);
        }
      }
    }
  }
}

TEST(MoeGrouped, ExpertWithoutTokensContributesNothing) {
  const int64_t hidden = 24, inter = 40;
  const Experts ex = make_experts(8, hidden, inter, DType::kF32, 700);
  // Expert 5's logit is far below the rest for every token: it is never chosen.
  Tensor logits = test::random_tensor({50, 8}, 701, 1.0f);
  for (int64_t t = 0; t < 50; ++t) logits.data<float>()[t * 8 + 5] = -100.0f;
  const Tensor x = test::random_tensor({50, hidden}, 702);
  const ops::Routing routing = ops::moe_route(logits, 2);
  for (const int32_t id : routing.expert_ids) ASSERT_NE(id, 5);
  EXPECT_LE(test::max_relative_error(run_op(x, logits, 2, ex), test::as_doubles(test::moe_composition(x, logits, 2, ex)),
                                     "moe_experts_grouped, expert 5 idle"),
            1e-6);
}

TEST(MoeGrouped, ZeroTokensIsANoOp) {
  const Experts ex = make_experts(4, 8, 8, DType::kF32, 800);
  const Tensor x = Tensor::zeros(DType::kF32, {0, 8}), logits = Tensor::zeros(DType::kF32, {0, 4});
  Tensor out = Tensor::zeros(DType::kF32, {0, 8});
  EXPECT_NO_THROW(ops::moe_experts_grouped(x, logits, 2, ex.views, out));
}

TEST(MoeGrouped, RefusesBadOperandsWithAClearError) {
  Experts ex;
  test::expect_refuses_bad_operands(ops::moe_experts_grouped, ops::moe_experts_grouped_supported, 3, 900, ex);
}

}  // namespace
}  // namespace lightvl
