// Patch unfolding (ops::unfold_patches) and the column-block copies (ops::copy_columns,
// ops::copy_into_columns) against their index formulas: exact copies, compared for equality.
#include <gtest/gtest.h>

#include "core/error.h"
#include "op_test_util.h"
#include "ops/copy_columns.h"
#include "ops/unfold_patches.h"

namespace lightvl {
namespace {
using test::random_tensor;

TEST(UnfoldPatches, MatchesTheIndexFormula) {
  const int64_t tiles = 2, channels = 3, side = 12, patch = 4, grid = side / patch;
  const Tensor pixels = random_tensor({tiles, channels, side, side}, 21);
  Tensor out = Tensor::zeros(DType::kF32, {tiles * grid * grid, channels * patch * patch});
  ops::unfold_patches(pixels, patch, out);
  const float* src = pixels.data<float>();
  for (int64_t t = 0; t < tiles; ++t) {
    for (int64_t py = 0; py < grid; ++py) {
      for (int64_t px = 0; px < grid; ++px) {
        for (int64_t c = 0; c < channels; ++c) {
          for (int64_t ky = 0; ky < patch; ++ky) {
            for (int64_t kx = 0; kx < patch; ++kx) {
              const float want = src[((t * channels + c) * side + py * patch + ky) * side + px * patch + kx];
              const float got = out.data<float>()[((t * grid + py) * grid + px) * channels * patch * patch +
                                                  (c * patch + ky) * patch + kx];
              ASSERT_EQ(got, want) << "tile " << t << " patch (" << py << ", " << px << ") c " << c;
            }
          }
        }
      }
    }
  }
}

TEST(UnfoldPatches, RefusesMisfittingShapes) {
  const Tensor pixels = random_tensor({1, 3, 10, 10}, 22);
  Tensor out = Tensor::zeros(DType::kF32, {4, 3 * 16});
  EXPECT_THROW(ops::unfold_patches(pixels, 4, out), Error);  // 10 is not a multiple of 4
  Tensor wrong = Tensor::zeros(DType::kF32, {24, 3 * 4});
  EXPECT_THROW(ops::unfold_patches(pixels, 2, wrong), Error);  // 25 rows expected
}

TEST(CopyIntoColumns, WritesTheBlockAndLeavesTheRest) {
  const Tensor src = random_tensor({3, 4}, 23);
  Tensor dst = random_tensor({3, 9}, 24);
  const Tensor before = dst.clone();
  ops::copy_into_columns(src, dst, 2);
  for (int64_t r = 0; r < 3; ++r) {
    for (int64_t c = 0; c < 9; ++c) {
      const float want = c >= 2 && c < 6 ? src.data<float>()[r * 4 + c - 2] : before.data<float>()[r * 9 + c];
      EXPECT_EQ(dst.data<float>()[r * 9 + c], want) << r << ", " << c;
    }
  }
  // copy_columns reads the block back unchanged.
  Tensor back = Tensor::zeros(DType::kF32, {3, 4});
  ops::copy_columns(dst, 2, back);
  for (int64_t i = 0; i < back.numel(); ++i) EXPECT_EQ(back.data<float>()[i], src.data<float>()[i]);
  Tensor narrow = Tensor::zeros(DType::kF32, {3, 5});
  EXPECT_THROW(ops::copy_into_columns(src, narrow, 2), Error);  // 2 + 4 > 5
}

}  // namespace
}  // namespace lightvl
