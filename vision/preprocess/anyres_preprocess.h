// Anyres preprocessing: an RgbImage in, the ViT's fp32 input out (spec §7.1, §7.3).
//
// Steps, exactly as the reference processor: choose the grid (AnyresPlan), resize the image with Pillow's
// bicubic to fit it (aspect kept, floor), centre it on a black canvas, cut the canvas into S x S tiles
// row-major, prepend the whole image resized to S x S (aspect not kept), then rescale by 1/255 and
// normalise with the CLIP mean and std into planar fp32.
#pragma once

#include <vector>

#include "core/tensor.h"
#include "vision/image/rgb_image.h"
#include "vision/preprocess/anyres_plan.h"
#include "vision/preprocess/preprocess_config.h"

namespace lightvl::vision {

// The uint8 pictures the ViT will see, before normalisation: [thumbnail, tile (row 0, col 0),
// tile (0, 1), ...], each S x S. `plan` must come from plan_anyres for this image's size and `config`.
// Throws Error(kInvalidArgument) when the plan does not match the image, Error(kOutOfMemory) on allocation
// failure. Thread-safe.
std::vector<RgbImage> make_anyres_tiles(const RgbImage& image, const AnyresPlan& plan, const PreprocessConfig& config);

// Rescales and normalises one S x S tile into planar fp32 at `out` (3 * S * S floats, channel-major):
// out[c][y][x] = (float(double(v) * rescale_factor) - mean[c]) / std[c], in fp32, as the reference
// computes it. `out` is caller-owned. Throws Error(kInvalidArgument) when the tile is not S x S.
void normalize_tile(const RgbImage& tile, const PreprocessConfig& config, float* out);

struct PreprocessedImage {
  AnyresPlan plan;
  Tensor pixels;  // fp32 [plan.num_tiles(), 3, S, S], thumbnail first; owns its memory
};

// The whole pipeline for one image. Throws what plan_anyres and make_anyres_tiles throw. Thread-safe;
// single-threaded.
PreprocessedImage preprocess_image(const RgbImage& image, const PreprocessConfig& config,
                                   const std::string& name = "image");

}  // namespace lightvl::vision
