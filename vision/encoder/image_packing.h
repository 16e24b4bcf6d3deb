// Packing one image's projected tile features into its token sequence (spec §7.6).
//
// Sequence = the thumbnail's features (tile 0, row-major, no newline), then the grid tiles' features laid
// out as one canvas of plan.feature_rows × plan.feature_cols (canvas row r is tile row r / n, patch row
// r % n with n = S/p; likewise columns), cut to the rows and columns unpadding keeps (plan.kept_*, floor
// arithmetic from the original image size), row by row with image_newline after every kept row.
// So N_img = n² + kept_rows · (kept_cols + 1) = plan.num_tokens.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"
#include "vision/preprocess/anyres_plan.h"

namespace lightvl::vision {

// tile_features: [plan.num_tiles(), n², C], thumbnail first then the grid tiles row-major (the order
// preprocess_image produces); newline: [C]. Both f32 on the host, or both of one activation dtype (f32 or
// bf16) on CUDA. Returns new [plan.num_tokens, C] of that device and dtype (exact copies of the inputs'
// rows). The host packs with row copies; CUDA with one row gather (ops::embedding over the features plus
// the newline as a table, indexed by packed_feature_rows). Throws Error(kInvalidArgument) when the
// features do not match the plan (tile count, tokens per tile, width, dtype or device). Thread-safe.
Tensor pack_image_features(const Tensor& tile_features, const AnyresPlan& plan, const Tensor& newline);

// The packed sequence as row indices into the features flattened to [num_tiles · n², C] with the newline
// appended as row num_tiles · n²: num_tokens entries. Pure function of the plan; thread-safe.
std::vector<int32_t> packed_feature_rows(const AnyresPlan& plan);

}  // namespace lightvl::vision
