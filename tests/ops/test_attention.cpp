// Softmax GQA attention (causal with a past, and non-causal) against a naive double-precision loop.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "op_test_util.h"
#include "ops/attention.h"

namespace lightvl {
namespace {
using test::max_relative_error;
using test::naive_attention;
using test::random_tensor;
using test::value;

TEST(Attention, CausalGqaWithPastMatchesNaive) {
  const int64_t past = 6, tokens = 5, hq = 8, hkv = 2, d = 16;
  Tensor q = random_tensor({tokens, hq, d}, 21);
  Tensor k = random_tensor({past + tokens, hkv, d}, 22);
  Tensor v = random_tensor({past + tokens, hkv, d}, 23);
  Tensor out = Tensor::zeros(DType::kF32, q.shape());
  ops::attention(q, k, v, past, true, 0.25f, out);
  EXPECT_LT(max_relative_error(out, naive_attention(q, k, v, past, true, 0.25), "causal gqa attention"), 1e-5);
}

TEST(Attention, NonCausalMatchesNaive) {
  Tensor q = random_tensor({9, 4, 8}, 24);
  Tensor k = random_tensor({9, 4, 8}, 25);
  Tensor v = random_tensor({9, 4, 8}, 26);
  Tensor out = Tensor::zeros(DType::kF32, q.shape());
  ops::attention(q, k, v, 0, false, 0.125f, out);
  EXPECT_LT(max_relative_error(out, naive_attention(q, k, v, 0, false, 0.125), "non-causal attention"), 1e-5);
}

// Shapes large enough for the blocked BLAS path, with query blocks that straddle the causal horizon.
TEST(Attention, BlockedPathMatchesNaive) {
  const int64_t past = 37, tokens = 150, hq = 4, hkv = 2, d = 16;
  Tensor q = random_tensor({tokens, hq, d}, 29);
  Tensor k = random_tensor({past + tokens, hkv, d}, 30);
  Tensor v = random_tensor({past + tokens, hkv, d}, 31);
  Tensor out = Tensor::zeros(DType::kF32, q.shape());
  ops::attention(q, k, v, past, true, 0.25f, out);
  EXPECT_LT(max_relative_error(out, naive_attention(q, k, v, past, true, 0.25), "blocked causal attention"), 1e-5);
  Tensor vit_q = random_tensor({130, 4, 16}, 32);
  Tensor vit_k = random_tensor({130, 4, 16}, 33);
  Tensor vit_v = random_tensor({130, 4, 16}, 34);
  Tensor vit_out = Tensor::zeros(DType::kF32, vit_q.shape());
  ops::attention(vit_q, vit_k, vit_v, 0, false, 0.25f, vit_out);
  EXPECT_LT(max_relative_error(vit_out, naive_attention(vit_q, vit_k, vit_v, 0, false, 0.25), "blocked non-causal"),
            1e-5);
}

TEST(Attention, RejectsShortCache) {
  Tensor q = random_tensor({4, 2, 8}, 27);
  Tensor k = random_tensor({3, 2, 8}, 28);
  Tensor out = Tensor::zeros(DType::kF32, q.shape());
  EXPECT_THROW(ops::attention(q, k, k, 0, true, 1.0f, out), Error);
}

}  // namespace
}  // namespace lightvl
