// linear, rms_norm, layer_norm and embedding against naive double-precision loops.
#include <gtest/gtest.h>

#include "core/error.h"
#include "op_test_util.h"
#include "ops/embedding.h"
#include "ops/linear.h"
#include "ops/norm.h"

namespace lightvl {
namespace {
using test::max_relative_error;
using test::random_tensor;
using test::value;

class LinearByWeightType : public ::testing::TestWithParam<DType> {};

TEST_P(LinearByWeightType, MatchesNaiveProductWithBias) {
  const int64_t t = 7, k = 33, n = 19;
  Tensor x = random_tensor({t, k}, 1);
  Tensor w = random_tensor({n, k}, 2, 0.5f, GetParam());
  Tensor b = random_tensor({n}, 3, 1.0f, GetParam());
  Tensor out = Tensor::zeros(DType::kF32, {t, n});
  ops::linear(x, w, &b, out);
  std::vector<double> expected(size_t(t * n));
  for (int64_t i = 0; i < t; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double acc = value(b, j);
      for (int64_t c = 0; c < k; ++c) acc += value(x, i * k + c) * value(w, j * k + c);
      expected[size_t(i * n + j)] = acc;
    }
  }
  EXPECT_LT(max_relative_error(out, expected, dtype_name(GetParam())), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(WeightTypes, LinearByWeightType, ::testing::Values(DType::kF32, DType::kBF16, DType::kF16),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

TEST(Linear, RejectsMismatchedShapesAndIntegerWeights) {
  Tensor x = random_tensor({2, 4}, 1);
  Tensor out = Tensor::zeros(DType::kF32, {2, 3});
  Tensor bad = random_tensor({3, 5}, 2);
  EXPECT_THROW(ops::linear(x, bad, nullptr, out), Error);
  Tensor ints = Tensor::zeros(DType::kI32, {3, 4});
  try {
    ops::linear(x, ints, nullptr, out);
    FAIL() << "int32 weight accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
  }
}

TEST(Norms, RmsNormMatchesFormula) {
  const int64_t rows = 5, cols = 24;
  Tensor x = random_tensor({rows, cols}, 4, 3.0f);
  Tensor w = random_tensor({cols}, 5, 1.0f, DType::kBF16);
  Tensor out = Tensor::zeros(DType::kF32, x.shape());
  ops::rms_norm(x, w, 1e-6f, out);
  std::vector<double> expected;
  for (int64_t r = 0; r < rows; ++r) {
    double ms = 0;
    for (int64_t c = 0; c < cols; ++c) ms += value(x, r * cols + c) * value(x, r * cols + c);
    const double inv = 1.0 / std::sqrt(ms / cols + 1e-6);
    for (int64_t c = 0; c < cols; ++c) expected.push_back(value(x, r * cols + c) * inv * value(w, c));
  }
  EXPECT_LT(max_relative_error(out, expected, "rms_norm"), 1e-6);
}

TEST(Norms, LayerNormMatchesFormulaInPlace) {
  const int64_t rows = 3, cols = 40;
  Tensor x = random_tensor({rows, cols}, 6, 2.0f);
  Tensor w = random_tensor({cols}, 7);
  Tensor b = random_tensor({cols}, 8);
  std::vector<double> expected;
  for (int64_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (int64_t c = 0; c < cols; ++c) mean += value(x, r * cols + c) / cols;
    for (int64_t c = 0; c < cols; ++c) var += std::pow(value(x, r * cols + c) - mean, 2) / cols;
    for (int64_t c = 0; c < cols; ++c) {
      expected.push_back((value(x, r * cols + c) - mean) / std::sqrt(var + 1e-5) * value(w, c) + value(b, c));
    }
  }
  ops::layer_norm(x, w, b, 1e-5f, x);
  EXPECT_LT(max_relative_error(x, expected, "layer_norm"), 1e-6);
}

TEST(Embedding, CopiesRowsAndRejectsOutOfRangeIds) {
  Tensor table = random_tensor({10, 6}, 9, 1.0f, DType::kBF16);
  Tensor out = Tensor::zeros(DType::kF32, {3, 6});
  ops::embedding({4, 0, 9}, table, out);
  for (int64_t c = 0; c < 6; ++c) {
    EXPECT_EQ(out.data<float>()[c], value(table, 4 * 6 + c));
    EXPECT_EQ(out.data<float>()[12 + c], value(table, 9 * 6 + c));
  }
  try {
    Tensor one = Tensor::zeros(DType::kF32, {1, 6});
    ops::embedding({10}, table, one);
    FAIL() << "id 10 accepted for a vocabulary of 10";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("10"), std::string::npos);
  }
}

}  // namespace
}  // namespace lightvl
