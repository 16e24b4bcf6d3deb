// Packing one image's projected tile features into its token sequence (spec §7.6).
//
// Sequence = the thumbnail's features (tile 0, row-major, no newline), then the grid tiles' features laid
// out as one canvas of plan.feature_rows × plan.feature_cols (canvas row r is tile row r / n, patch row
// r % n with n = S/p; likewise columns), cut to the rows and columns unpadding keeps (plan.kept_*, floor
// arithmetic from the original image size), row by row with image_newline after every kept row.
// So N_img = n² + kept_rows · (kept_cols + 1) = plan.num_tokens.
#pragma once

#include "core/tensor.h"
#include "vision/preprocess/anyres_plan.h"

namespace lightvl::vision {

// tile_features: [plan.num_tiles(), n², C] f32, thumbnail first then the grid tiles row-major (the order
// preprocess_image produces); newline: [C] f32. Returns new [plan.num_tokens, C] f32.
// Throws Error(kInvalidArgument) when the features do not match the plan (tile count, tokens per tile,
// width). Thread-safe.
Tensor pack_image_features(const Tensor& tile_features, const AnyresPlan& plan, const Tensor& newline);

}  // namespace lightvl::vision
