// CUDA parity of the ViT's copy ops: patch unfolding (ops::unfold_patches, a CUDA kernel) and the
// column-block copies (ops::copy_into_columns / ops::copy_columns, pitched copies). All exact copies, so
// CUDA must equal the CPU bit for bit (tolerance 0), at the real tower's geometry (336 px, patch 14).
#include <gtest/gtest.h>

#include "gpu_test_util.h"
#include "ops/copy_columns.h"
#include "ops/unfold_patches.h"

namespace lightvl {
namespace {
using test::parity_error;
using test::random_values;
using test::to_gpu;

class CudaPatchCopies : public test::CudaTest {};

TEST_F(CudaPatchCopies, UnfoldPatchesEqualsCpu) {
  const int64_t tiles = 3, side = 336, patch = 14, grid = side / patch;
  const Tensor pixels = random_values({tiles, 3, side, side}, 31, 1.0f, DType::kF32);
  Tensor want = Tensor::zeros(DType::kF32, {tiles * grid * grid, 3 * patch * patch});
  ops::unfold_patches(pixels, patch, want);
  Tensor got = ops::empty(DType::kF32, want.shape(), Device::kCuda);
  ops::unfold_patches(to_gpu(pixels, DType::kF32), patch, got);
  EXPECT_EQ(parity_error(got, want, "unfold_patches 3 tiles of 336/14", 0.0), 0.0);
}

TEST_F(CudaPatchCopies, ColumnBlockCopiesEqualCpu) {
  for (const DType dtype : {DType::kF32, DType::kBF16}) {
    const int64_t tiles = 5, hidden = 64, patches = 576, positions = patches + 1;
    const Tensor patch_rows = random_values({tiles, patches * hidden}, 32, 1.0f, dtype);
    Tensor want = random_values({tiles, positions * hidden}, 33, 1.0f, dtype);
    Tensor got = to_gpu(want, dtype);
    ops::copy_into_columns(patch_rows, want, hidden);
    ops::copy_into_columns(to_gpu(patch_rows, dtype), got, hidden);
    std::string suffix = " ";
    suffix += test::name_of(dtype);
    EXPECT_EQ(parity_error(got, want, "copy_into_columns" + suffix, 0.0), 0.0);

    Tensor back_want = Tensor::zeros(DType::kF32, {tiles, patches * hidden});
    ops::copy_columns(want, hidden, back_want);
    Tensor back_got = ops::empty(dtype, back_want.shape(), Device::kCuda);
    ops::copy_columns(got, hidden, back_got);
    EXPECT_EQ(parity_error(back_got, back_want, "copy_columns (drop CLS)" + suffix, 0.0), 0.0);
  }
}

}  // namespace
}  // namespace lightvl
