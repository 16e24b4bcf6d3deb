#include "vision/encoder/image_packing.h"

#include <cstring>
#include <string>

#include "core/error.h"

namespace lightvl::vision {

Tensor pack_image_features(const Tensor& tile_features, const AnyresPlan& plan, const Tensor& newline) {
  const int64_t n = plan.tile_size / plan.patch_size;  // feature rows and columns per tile
  const int64_t width = newline.numel();
  require(tile_features.dtype() == DType::kF32 && tile_features.rank() == 3 &&
              tile_features.dim(0) == plan.num_tiles() && tile_features.dim(1) == n * n &&
              tile_features.dim(2) == width && newline.dtype() == DType::kF32,
          ErrorCode::kInvalidArgument,
          "image packing: features " + shape_string(tile_features.shape()) + " do not fit the image plan (" +
              std::to_string(plan.num_tiles()) + " tiles of " + std::to_string(n * n) + " features of width " +
              std::to_string(width) + ")");
  const int64_t rows_kept = plan.kept_rows(), cols_kept = plan.kept_cols();
  const int64_t total = n * n + rows_kept * (cols_kept + 1);
  require(total == plan.num_tokens && plan.base_tokens == n * n, ErrorCode::kInternal,
          "image packing: the plan's token count " + std::to_string(plan.num_tokens) + " disagrees with its kept grid (" +
              std::to_string(total) + ")");

  Tensor out = Tensor::zeros(DType::kF32, {total, width});
  const float* src = tile_features.data<float>();
  float* dst = out.data<float>();
  const size_t row_bytes = size_t(width) * sizeof(float);
  std::memcpy(dst, src, size_t(n * n) * row_bytes);  // the thumbnail
  dst += n * n * width;
  for (int64_t r = plan.kept_row_begin; r < plan.kept_row_end; ++r) {
    for (int64_t c = plan.kept_col_begin; c < plan.kept_col_end; ++c) {
      const int64_t tile = 1 + (r / n) * plan.tiles_x + (c / n);
      const int64_t feature = (r % n) * n + (c % n);
      std::memcpy(dst, src + (tile * n * n + feature) * width, row_bytes);
      dst += width;
    }
    std::memcpy(dst, newline.raw(), row_bytes);
    dst += width;
  }
  return out;
}

}  // namespace lightvl::vision
