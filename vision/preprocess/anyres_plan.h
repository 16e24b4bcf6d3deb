// The geometry of MiniMax-VL-01's "anyres" image input, computed from the image size alone.
//
// One AnyresPlan answers every size question the pipeline has about an image (spec §7.2-7.6):
//   pixels   which grid canvas (pinpoint) is chosen, how the image is resized and padded into it, how the
//            canvas is cut into tiles, and that a thumbnail of the whole image comes first;
//   features which rows and columns of the tile grid's feature canvas survive unpadding;
//   tokens   how many image tokens the prompt must hold for this image.
// Preprocessing (anyres_preprocess.h), packing and prompt expansion all read it, so they cannot disagree.
#pragma once

#include <cstdint>
#include <vector>

#include "vision/preprocess/preprocess_config.h"

namespace lightvl::vision {

struct AnyresPlan {
  int image_width = 0;  // the original image
  int image_height = 0;
  int tile_size = 0;    // S, from the config
  int patch_size = 0;   // ViT patch, from the config

  // Pixels. The grid canvas is grid.width x grid.height, cut into tiles_x x tiles_y tiles of S x S,
  // row-major. The image is resized (aspect kept, floor) to resized_width x resized_height and placed at
  // (pad_left, pad_top) on a black canvas; the remainder of the padding goes right and bottom.
  GridPinpoint grid;
  int tiles_x = 0;
  int tiles_y = 0;
  int resized_width = 0;
  int resized_height = 0;
  int pad_left = 0;
  int pad_top = 0;

  // Features. The tiles' features form a feature_cols x feature_rows canvas (grid / patch; row r is
  // tile row r / (S / patch), patch row r % (S / patch)). Unpadding keeps rows [kept_row_begin,
  // kept_row_end) and columns [kept_col_begin, kept_col_end); one of the two ranges is always whole. An
  // image much thinner than its grid can keep zero columns (or rows): its rows then carry only the
  // newline token, exactly as in the reference.
  int feature_cols = 0;
  int feature_rows = 0;
  int kept_col_begin = 0;
  int kept_col_end = 0;
  int kept_row_begin = 0;
  int kept_row_end = 0;

  // Tokens: the thumbnail's (S / patch)^2 features, then each kept row followed by one newline token.
  int base_tokens = 0;
  int64_t num_tokens = 0;

  int kept_cols() const { return kept_col_end - kept_col_begin; }
  int kept_rows() const { return kept_row_end - kept_row_begin; }
  // Pictures fed to the ViT: the thumbnail plus every grid tile.
  int num_tiles() const { return 1 + tiles_x * tiles_y; }
};

// The reference's grid choice (spec §7.2): for each pinpoint, fit the image with s = min(pw/W, ph/H),
// effective = min(floor(W s) * floor(H s), W H); keep the largest effective area, then the smallest
// waste (pw ph - effective); the first pinpoint wins a full tie. `pinpoints` must not be empty and the
// size must be positive (programmer errors: not checked beyond an assert). Never throws.
GridPinpoint select_grid_pinpoint(int width, int height, const std::vector<GridPinpoint>& pinpoints);

// The full plan for a width x height image. Throws Error(kInvalidArgument) for a non-positive size, or for
// an aspect ratio so extreme that the resized image would be 0 pixels thick (the reference fails on those
// too); the message names `name`. Thread-safe.
AnyresPlan plan_anyres(int width, int height, const PreprocessConfig& config, const std::string& name = "image");

// plan_anyres(...).num_tokens: the number of <image> tokens for one image of this size.
int64_t count_image_tokens(int width, int height, const PreprocessConfig& config);

}  // namespace lightvl::vision
