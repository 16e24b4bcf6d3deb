// Lightning attention: the block-parallel kernel against the token recurrence of spec §3.3
// (S ← λS + kᵀv, o = qS, in double), for several block sizes, with a non-zero incoming state, and
// split across calls (chunked prefill continuing a state).
#include <gtest/gtest.h>

#include <cmath>

#include "op_test_util.h"
#include "ops/lightning_attention.h"

namespace lightvl {
namespace {
using test::max_relative_error;
using test::random_tensor;
using test::value;

struct Recurrence {
  std::vector<double> out;
  std::vector<double> state;
};

Recurrence recurrence(const Tensor& q, const Tensor& k, const Tensor& v, const std::vector<float>& rates,
                      const Tensor& initial_state) {
  const int64_t tokens = q.dim(0), heads = q.dim(1), d = q.dim(2);
  Recurrence r;
  r.out.assign(size_t(q.numel()), 0.0);
  r.state.resize(size_t(initial_state.numel()));
  for (int64_t i = 0; i < initial_state.numel(); ++i) r.state[size_t(i)] = value(initial_state, i);
  for (int64_t h = 0; h < heads; ++h) {
    const double lambda = std::exp(-double(rates[size_t(h)]));
    double* s = r.state.data() + h * d * d;
    for (int64_t t = 0; t < tokens; ++t) {
      const int64_t row = (t * heads + h) * d;
      for (int64_t a = 0; a < d; ++a) {
        for (int64_t b = 0; b < d; ++b) s[a * d + b] = lambda * s[a * d + b] + value(k, row + a) * value(v, row + b);
      }
      for (int64_t b = 0; b < d; ++b) {
        double acc = 0;
        for (int64_t a = 0; a < d; ++a) acc += value(q, row + a) * s[a * d + b];
        r.out[size_t(row + b)] = acc;
      }
    }
  }
  return r;
}

class LightningBlockSize : public ::testing::TestWithParam<int> {};

TEST_P(LightningBlockSize, BlockParallelEqualsRecurrence) {
  const int64_t tokens = 37, heads = 3, d = 8;
  Tensor q = random_tensor({tokens, heads, d}, 31, 0.5f);
  Tensor k = random_tensor({tokens, heads, d}, 32, 0.5f);
  Tensor v = random_tensor({tokens, heads, d}, 33);
  Tensor state = random_tensor({heads, d, d}, 34, 0.3f);
  const std::vector<float> rates = {0.9f, 0.05f, 0.004f};
  const Recurrence expected = recurrence(q, k, v, rates, state);
  Tensor out = Tensor::zeros(DType::kF32, q.shape());
  ops::lightning_attention(q, k, v, rates, GetParam(), state, out);
  const std::string label = "lightning block " + std::to_string(GetParam());
  EXPECT_LT(max_relative_error(out, expected.out, (label + " output").c_str()), 2e-6);
  EXPECT_LT(max_relative_error(state, expected.state, (label + " state").c_str()), 2e-6);
}

INSTANTIATE_TEST_SUITE_P(Blocks, LightningBlockSize, ::testing::Values(1, 3, 7, 16, 37, 256));

TEST(LightningAttention, SplitCallsContinueTheState) {
  const int64_t tokens = 20, heads = 2, d = 4;
  Tensor q = random_tensor({tokens, heads, d}, 41);
  Tensor k = random_tensor({tokens, heads, d}, 42);
  Tensor v = random_tensor({tokens, heads, d}, 43);
  const std::vector<float> rates = {0.3f, 0.01f};
  Tensor zero = Tensor::zeros(DType::kF32, {heads, d, d});
  const Recurrence expected = recurrence(q, k, v, rates, zero);

  Tensor state = Tensor::zeros(DType::kF32, {heads, d, d});
  Tensor out = Tensor::zeros(DType::kF32, q.shape());
  for (int64_t start : {0, 1, 8, 13}) {  // pieces of 1, 7, 5 and 7 tokens
    const int64_t end = start == 13 ? tokens : (start == 0 ? 1 : (start == 1 ? 8 : 13));
    Tensor piece_out = out.slice_rows(start, end);
    ops::lightning_attention(q.slice_rows(start, end), k.slice_rows(start, end), v.slice_rows(start, end), rates, 4,
                             state, piece_out);
  }
  EXPECT_LT(max_relative_error(out, expected.out, "lightning split calls"), 2e-6);
}

}  // namespace
}  // namespace lightvl
