// Grid choice, resize/pad geometry and unpadding, written to give the reference's integers exactly.
//
// The reference computes these in Python with float division followed by int() (truncation) or integer
// floor division. Each expression below keeps that form: the same IEEE double operations in the same
// order, then the same truncation, so the results agree for every size, not only for "nice" ones.
#include "vision/preprocess/anyres_plan.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <string>

#include "core/error.h"

namespace lightvl::vision {

GridPinpoint select_grid_pinpoint(int width, int height, const std::vector<GridPinpoint>& pinpoints) {
  assert(!pinpoints.empty() && width > 0 && height > 0);
  const int64_t area = int64_t(width) * height;
  GridPinpoint best = pinpoints.front();
  int64_t best_effective = 0;
  int64_t best_waste = std::numeric_limits<int64_t>::max();  // the reference starts from float("inf")
  for (const GridPinpoint& p : pinpoints) {
    const double scale = std::min(double(p.width) / width, double(p.height) / height);
    const int64_t fit_width = int64_t(width * scale);
    const int64_t fit_height = int64_t(height * scale);
    const int64_t effective = std::min(fit_width * fit_height, area);
    const int64_t waste = int64_t(p.width) * p.height - effective;
    if (effective > best_effective || (effective == best_effective && waste < best_waste)) {
      best = p;
      best_effective = effective;
      best_waste = waste;
    }
  }
  return best;
}

AnyresPlan plan_anyres(int width, int height, const PreprocessConfig& config, const std::string& name) {
  require(width > 0 && height > 0, ErrorCode::kInvalidArgument,
          name + ": image size " + std::to_string(width) + "x" + std::to_string(height) + " is empty");
  AnyresPlan plan;
  plan.image_width = width;
  plan.image_height = height;
  plan.tile_size = config.tile_size;
  plan.patch_size = config.patch_size;
  plan.grid = select_grid_pinpoint(width, height, config.pinpoints);
  const int grid_w = plan.grid.width, grid_h = plan.grid.height;
  plan.tiles_x = grid_w / config.tile_size;
  plan.tiles_y = grid_h / config.tile_size;

  // Aspect-preserving fit with floor (spec §7.3); LLaVA-NeXT rounds up here, MiniMax does not.
  if (double(width) / height > double(grid_w) / grid_h) {
    plan.resized_width = grid_w;
    plan.resized_height = int(double(int64_t(grid_w) * height) / width);
  } else {
    plan.resized_height = grid_h;
    plan.resized_width = int(double(int64_t(grid_h) * width) / height);
  }
  require(plan.resized_width > 0 && plan.resized_height > 0, ErrorCode::kInvalidArgument,
          name + ": image size " + std::to_string(width) + "x" + std::to_string(height) +
              " has too extreme an aspect ratio for the " + std::to_string(grid_w) + "x" + std::to_string(grid_h) +
              " tile grid (it would be resized to 0 pixels); crop the image or pad it towards a squarer shape");
  plan.pad_left = (grid_w - plan.resized_width) / 2;
  plan.pad_top = (grid_h - plan.resized_height) / 2;

  // Unpadding in feature-grid units with floor (spec §7.6); LLaVA-NeXT uses a rounded float scale.
  const int cols = grid_w / config.patch_size, rows = grid_h / config.patch_size;
  plan.feature_cols = cols;
  plan.feature_rows = rows;
  plan.kept_col_end = cols;
  plan.kept_row_end = rows;
  if (double(width) / height > double(cols) / rows) {
    const int64_t kept = int64_t(height) * cols / width;
    const int pad = int((rows - kept) / 2);
    plan.kept_row_begin = pad;
    plan.kept_row_end = rows - pad;
  } else {
    const int64_t kept = int64_t(width) * rows / height;
    const int pad = int((cols - kept) / 2);
    plan.kept_col_begin = pad;
    plan.kept_col_end = cols - pad;
  }

  const int side = config.features_per_tile_side();
  plan.base_tokens = side * side;
  plan.num_tokens = plan.base_tokens + int64_t(plan.kept_rows()) * (plan.kept_cols() + 1);
  return plan;
}

int64_t count_image_tokens(int width, int height, const PreprocessConfig& config) {
  return plan_anyres(width, height, config).num_tokens;
}

}  // namespace lightvl::vision
