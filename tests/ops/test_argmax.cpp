// ops::argmax_rows on the CPU against answers worked out by hand from std::max_element's definition
// (the sampler's greedy rule): the first of equal maxima, NaN never chosen unless it is the first entry.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"
#include "ops/argmax.h"

namespace lightvl {
namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

Tensor rows_of(const std::vector<std::vector<float>>& rows) {
  Tensor t = Tensor::zeros(DType::kF32, {int64_t(rows.size()), int64_t(rows[0].size())});
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) t.data<float>()[r * rows[r].size() + c] = rows[r][c];
  }
  return t;
}

TEST(ArgmaxRows, PicksTheFirstOfEqualMaximaAndSkipsNan) {
  const Tensor x = rows_of({
      {0.5f, 2.0f, -1.0f, 2.0f},     // tie: the first 2.0
      {-kInf, -kInf, -3.0f, -kInf},  // -3 beats -inf
      {1.0f, kNan, 3.0f, kNan},      // NaN later in the row never wins
      {kNan, 5.0f, 7.0f, 1.0f},      // a NaN first entry is kept, as max_element keeps it
      {-0.0f, 0.0f, -1.0f, -2.0f},   // -0 == +0: the first
  });
  EXPECT_EQ(ops::argmax_rows(x), (std::vector<int32_t>{1, 2, 2, 0, 0}));
}

TEST(ArgmaxRows, OneColumnAndManyRows) {
  EXPECT_EQ(ops::argmax_rows(rows_of({{4.0f}, {-1.0f}})), (std::vector<int32_t>{0, 0}));
}

TEST(ArgmaxRows, RefusesWrongRanksAndEmptyRows) {
  EXPECT_THROW(ops::argmax_rows(Tensor::zeros(DType::kF32, {3})), Error);
  EXPECT_THROW(ops::argmax_rows(Tensor::zeros(DType::kF32, {2, 0})), Error);
}

}  // namespace
}  // namespace lightvl
