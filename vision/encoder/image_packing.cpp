#include "vision/encoder/image_packing.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/error.h"
#include "ops/device_memory.h"
#include "ops/embedding.h"

namespace lightvl::vision {

namespace {

// The device packing: features and newline into one table, then one gather of the packed rows.
Tensor pack_on_device(const Tensor& tile_features, const AnyresPlan& plan, const Tensor& newline) {
  const int64_t features = tile_features.dim(0) * tile_features.dim(1), width = newline.numel();
  const Device device = tile_features.device();
  Tensor table = ops::empty(tile_features.dtype(), {features + 1, width}, device);
  Tensor feature_rows = table.slice_rows(0, features), newline_row = table.slice_rows(features, features + 1);
  ops::copy(tile_features, feature_rows);
  ops::copy(newline, newline_row);
  const std::vector<int32_t> rows = packed_feature_rows(plan);
  Tensor out = ops::empty(tile_features.dtype(), {int64_t(rows.size()), width}, device);
  ops::embedding(rows, table, out);
  return out;
}

}  // namespace

std::vector<int32_t> packed_feature_rows(const AnyresPlan& plan) {
  const int64_t n = plan.tile_size / plan.patch_size;
  const int32_t newline = int32_t(plan.num_tiles() * n * n);
  std::vector<int32_t> rows;
  rows.reserve(size_t(std::max<int64_t>(plan.num_tokens, 0)));
  for (int64_t f = 0; f < n * n; ++f) rows.push_back(int32_t(f));  // the thumbnail
  for (int64_t r = plan.kept_row_begin; r < plan.kept_row_end; ++r) {
    for (int64_t c = plan.kept_col_begin; c < plan.kept_col_end; ++c) {
      const int64_t tile = 1 + (r / n) * plan.tiles_x + (c / n);
      rows.push_back(int32_t(tile * n * n + (r % n) * n + (c % n)));
    }
    rows.push_back(newline);
  }
  return rows;
}

Tensor pack_image_features(const Tensor& tile_features, const AnyresPlan& plan, const Tensor& newline) {
  const int64_t n = plan.tile_size / plan.patch_size;  // feature rows and columns per tile
  const int64_t width = newline.numel();
  const bool host = tile_features.device() == Device::kCpu;
  const bool dtype_ok = host ? tile_features.dtype() == DType::kF32
                             : (tile_features.dtype() == DType::kF32 || tile_features.dtype() == DType::kBF16);
  require(dtype_ok && tile_features.rank() == 3 && tile_features.dim(0) == plan.num_tiles() &&
              tile_features.dim(1) == n * n && tile_features.dim(2) == width &&
              newline.dtype() == tile_features.dtype() && newline.device() == tile_features.device(),
          ErrorCode::kInvalidArgument,
          "image packing: features " + shape_string(tile_features.shape()) + " do not fit the image plan (" +
              std::to_string(plan.num_tiles()) + " tiles of " + std::to_string(n * n) + " features of width " +
              std::to_string(width) + ", " + dtype_name(newline.dtype()) + " on " + device_name(newline.device()) +
              "; got " + dtype_name(tile_features.dtype()) + " on " + device_name(tile_features.device()) + ")");
  const int64_t rows_kept = plan.kept_rows(), cols_kept = plan.kept_cols();
  const int64_t total = n * n + rows_kept * (cols_kept + 1);
  require(total == plan.num_tokens && plan.base_tokens == n * n, ErrorCode::kInternal,
          "image packing: the plan's token count " + std::to_string(plan.num_tokens) + " disagrees with its kept grid (" +
              std::to_string(total) + ")");
  if (!host) return pack_on_device(tile_features, plan, newline);

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
