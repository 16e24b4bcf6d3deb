#include "vision/preprocess/anyres_preprocess.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/error.h"
#include "vision/preprocess/bicubic_resize.h"

namespace lightvl::vision {

namespace {

// Copies tile (tx, ty) of the black canvas holding `resized` at (pad_left, pad_top) into `tile`, without
// building the canvas: rows and columns outside the resized image stay black.
void copy_canvas_tile(const RgbImage& resized, const AnyresPlan& plan, int tx, int ty, RgbImage& tile) {
  const int s = plan.tile_size;
  const int canvas_x0 = tx * s;
  // Columns of this tile covered by the image, in tile coordinates.
  const int x_begin = std::clamp(plan.pad_left - canvas_x0, 0, s);
  const int x_end = std::clamp(plan.pad_left + resized.width - canvas_x0, 0, s);
  if (x_begin >= x_end) return;
  for (int y = 0; y < s; ++y) {
    const int source_y = ty * s + y - plan.pad_top;
    if (source_y < 0 || source_y >= resized.height) continue;
    const int source_x = canvas_x0 + x_begin - plan.pad_left;
    std::memcpy(tile.row(y) + size_t(x_begin) * 3, resized.row(source_y) + size_t(source_x) * 3,
                size_t(x_end - x_begin) * 3);
  }
}

}  // namespace

std::vector<RgbImage> make_anyres_tiles(const RgbImage& image, const AnyresPlan& plan, const PreprocessConfig& config) {
  require(image.width == plan.image_width && image.height == plan.image_height && plan.tile_size == config.tile_size,
          ErrorCode::kInvalidArgument,
          "make_anyres_tiles: the plan was made for a " + std::to_string(plan.image_width) + "x" +
              std::to_string(plan.image_height) + " image but got " + std::to_string(image.width) + "x" +
              std::to_string(image.height));
  const int s = config.tile_size;
  std::vector<RgbImage> tiles;
  tiles.reserve(size_t(plan.num_tiles()));
  tiles.push_back(resize_bicubic(image, s, s));  // thumbnail: the whole image, aspect not kept

  const RgbImage resized = resize_bicubic(image, plan.resized_width, plan.resized_height);
  for (int ty = 0; ty < plan.tiles_y; ++ty) {
    for (int tx = 0; tx < plan.tiles_x; ++tx) {
      tiles.push_back(make_rgb_image(s, s, "tile"));
      copy_canvas_tile(resized, plan, tx, ty, tiles.back());
    }
  }
  return tiles;
}

void normalize_tile(const RgbImage& tile, const PreprocessConfig& config, float* out) {
  const int s = config.tile_size;
  require(tile.width == s && tile.height == s, ErrorCode::kInvalidArgument,
          "normalize_tile: expected a " + std::to_string(s) + "x" + std::to_string(s) + " tile, got " +
              std::to_string(tile.width) + "x" + std::to_string(tile.height));
  // Every (channel, byte value) pair has one result, so a 3 x 256 table computed with the reference's
  // exact operations replaces the per-pixel arithmetic without changing a bit.
  std::array<std::array<float, 256>, 3> table;
  for (size_t c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      const float scaled = float(double(v) * config.rescale_factor);
      const float centred = scaled - config.mean[c];
      table[c][size_t(v)] = centred / config.std[c];
    }
  }
  const size_t plane = size_t(s) * size_t(s);
  const uint8_t* in = tile.pixels.data();
  for (size_t i = 0; i < plane; ++i) {
    out[i] = table[0][in[3 * i]];
    out[plane + i] = table[1][in[3 * i + 1]];
    out[2 * plane + i] = table[2][in[3 * i + 2]];
  }
}

PreprocessedImage preprocess_image(const RgbImage& image, const PreprocessConfig& config, const std::string& name) {
  PreprocessedImage result;
  result.plan = plan_anyres(image.width, image.height, config, name);
  const std::vector<RgbImage> tiles = make_anyres_tiles(image, result.plan, config);
  const int64_t s = config.tile_size;
  result.pixels = Tensor::zeros(DType::kF32, {int64_t(tiles.size()), 3, s, s}, name + " pixel_values");
  float* out = result.pixels.data<float>();
  for (const RgbImage& tile : tiles) {
    normalize_tile(tile, config, out);
    out += 3 * s * s;
  }
  return result;
}

}  // namespace lightvl::vision
