// The fused small-batch MoE op on the CPU against the per-expert composition the backbone used before
// (moe_route, gather_rows, linear, swiglu, linear, scatter_add_rows), against a plain double-precision
// loop, on ties, and its refusal of bad operands.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/error.h"
#include "moe_test_util.h"
#include "op_test_util.h"
#include "ops/activation.h"
#include "ops/linear.h"
#include "ops/moe.h"
#include "ops/moe_small_batch.h"

namespace lightvl {
namespace {

using test::Experts;
using test::error_code_of;
using test::make_experts;


// The op's formula in double, straight from the contract (routing from ops::moe_route).
std::vector<double> naive(const Tensor& x, const Tensor& logits, int top_k, const Experts& ex) {
  const int64_t tokens = x.dim(0), hidden = x.dim(1), inter = ex.gate[0].dim(0);
  const ops::Routing routing = ops::moe_route(logits, top_k);
  std::vector<double> out(size_t(tokens * hidden), 0.0);
  std::vector<double> h(static_cast<size_t>(inter));
  for (int64_t t = 0; t < tokens; ++t) {
    for (int j = 0; j < top_k; ++j) {
      const size_t slot = size_t(t * top_k + j);
      const size_t e = size_t(routing.expert_ids[slot]);
      for (int64_t i = 0; i < inter; ++i) {
        double g = 0.0, u = 0.0;
        for (int64_t c = 0; c < hidden; ++c) {
          const double xv = x.data<float>()[t * hidden + c];
          g += test::value(ex.gate[e], i * hidden + c) * xv;
          u += test::value(ex.up[e], i * hidden + c) * xv;
        }
        h[size_t(i)] = g / (1.0 + std::exp(-g)) * u;
      }
      for (int64_t r = 0; r < hidden; ++r) {
        double y = 0.0;
        for (int64_t i = 0; i < inter; ++i) y += test::value(ex.down[e], r * inter + i) * h[size_t(i)];
        out[size_t(t * hidden + r)] += routing.weights[slot] * y;
      }
    }
  }
  return out;
}

Tensor run_op(const Tensor& x, const Tensor& logits, int top_k, const Experts& ex) {
  Tensor out = Tensor::zeros(DType::kF32, x.shape());
  ops::moe_experts_small_batch(x, logits, top_k, ex.views, out);
  return out;
}

TEST(MoeSmallBatch, MatchesThePerExpertComposition) {
  // hidden and I deliberately not multiples of 8: the CPU reference has no vector-width limit.
  const int64_t hidden = 20, inter = 36;
  for (const DType dtype : {DType::kF32, DType::kBF16}) {
    for (const int num_experts : {4, 8}) {
      const Experts ex = make_experts(num_experts, hidden, inter, dtype, 100 + uint32_t(num_experts));
      for (const int top_k : {1, 2, 3}) {
        for (const int64_t tokens : {1, 3, 8}) {
          const Tensor x = test::random_tensor({tokens, hidden}, uint32_t(7 * tokens + top_k));
          const Tensor logits = test::random_tensor({tokens, num_experts}, uint32_t(11 * tokens + top_k), 2.0f);
          const Tensor got = run_op(x, logits, top_k, ex);
          const std::string what = std::string("moe_experts_small_batch ") + dtype_name(dtype) + " E=" +
                                   std::to_string(num_experts) + " k=" + std::to_string(top_k) + " T=" +
                                   std::to_string(tokens);
          // k ≤ 2: the same f32 operations in the same order up to a + b = b + a, so equal.
          const double tol = top_k <= 2 ? 1e-6 : 1e-5;
          EXPECT_LE(test::max_relative_error(got, test::as_doubles(test::moe_composition(x, logits, top_k, ex)),
                                             (what + " vs composition").c_str()),
                    tol);
          EXPECT_LE(test::max_relative_error(got, naive(x, logits, top_k, ex), (what + " vs double").c_str()), 1e-5);
        }
      }
    }
  }
}

TEST(MoeSmallBatch, TiesGoToTheLowerExpert) {
  const int64_t hidden = 16, inter = 24;
  const Experts ex = make_experts(6, hidden, inter, DType::kF32, 300);
  Tensor logits = Tensor::zeros(DType::kF32, {2, 6});  // token 0: all equal, so experts 0 and 1
  const float token1[6] = {0.1f, 0.3f, 0.9f, -1.0f, 0.2f, 0.9f};  // token 1: experts 2 and 5 tie
  std::copy(token1, token1 + 6, logits.data<float>() + 6);
  const Tensor x = test::random_tensor({2, hidden}, 301);
  const ops::Routing routing = ops::moe_route(logits, 2);
  ASSERT_EQ(routing.expert_ids, (std::vector<int32_t>{0, 1, 2, 5}));
  const Tensor got = run_op(x, logits, 2, ex);
  EXPECT_LE(test::max_relative_error(got, test::as_doubles(test::moe_composition(x, logits, 2, ex)), "ties vs composition"),
            1e-6);
  EXPECT_LE(test::max_relative_error(got, naive(x, logits, 2, ex), "ties vs double"), 1e-5);
}

TEST(MoeSmallBatch, ZeroTokensIsANoOp) {
  const Experts ex = make_experts(4, 8, 8, DType::kF32, 400);
  const Tensor x = Tensor::zeros(DType::kF32, {0, 8}), logits = Tensor::zeros(DType::kF32, {0, 4});
  Tensor out = Tensor::zeros(DType::kF32, {0, 8});
  EXPECT_NO_THROW(ops::moe_experts_small_batch(x, logits, 2, ex.views, out));
}

TEST(MoeSmallBatch, RefusesBadOperandsWithAClearError) {
  Experts ex;
  test::expect_refuses_bad_operands(ops::moe_experts_small_batch, ops::moe_experts_small_batch_supported, 2, 500,
                                    ex);
  const int64_t hidden = 16;
  // More (token, expert) pairs than the op takes: a batch for the GEMM path.
  const int64_t many = ops::kMoeSmallBatchMaxPairs / 2 + 1;
  const Tensor big_x = test::random_tensor({many, hidden}, 507), big_logits = test::random_tensor({many, 4}, 508);
  Tensor big_out = Tensor::zeros(DType::kF32, {many, hidden});
  EXPECT_FALSE(ops::moe_experts_small_batch_supported(big_x, 2, ex.views));
  EXPECT_EQ(error_code_of([&] { ops::moe_experts_small_batch(big_x, big_logits, 2, ex.views, big_out); }),
            ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace lightvl
