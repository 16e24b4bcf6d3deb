// PreprocessConfig: the checkpoint's image-preprocessing parameters, and their loader.
//
// Nothing here is a constant of the code: tile size, ViT patch size, the grid pinpoints, mean, std and
// the rescale factor come from the checkpoint directory:
//   preprocessor_config.json  the processor's file. The released (remote-code) processor writes
//                             "size": [width, height], "patch_size", "image_grid_pinpoints",
//                             "process_image_mode", "image_mean", "image_std"; transformers' native port
//                             writes "size": {"height", "width"} (or {"shortest_edge"}), "rescale_factor",
//                             "resample" and "do_*" flags. Both spellings are read.
//   config.json               the model: "image_grid_pinpoints" and "vision_config" {"image_size",
//                             "patch_size"}. They fill what preprocessor_config.json leaves out, and must
//                             agree with it where both are given (the ViT and the packing depend on them).
// Values absent from both files take the released processor's defaults (CLIP mean/std, 1/255), except the
// pinpoints and sizes, which must be present in one of the files.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lightvl::vision {

// One candidate canvas for the tile grid, in pixels.
struct GridPinpoint {
  int width = 0;
  int height = 0;
  bool operator==(const GridPinpoint&) const = default;
};

struct PreprocessConfig {
  int tile_size = 0;   // S: the side of the thumbnail and of every tile (336 for MiniMax-VL-01)
  int patch_size = 0;  // ViT patch side (14): S / patch_size feature rows and columns per tile
  // Candidate canvases in file order (the order breaks ties). Each [a, b] pair of the files is read as
  // width a, height b, as the released processor reads it; the released list is symmetric, so
  // transformers' (height, width) reading picks the same grids (spec §7.2).
  std::vector<GridPinpoint> pinpoints;
  // OpenAI CLIP statistics per RGB channel, applied after rescaling. Written as doubles rounded to float,
  // which is what the reference does (numpy float64 -> float32); a float literal could round differently.
  std::array<float, 3> mean = {float(0.48145466), float(0.4578275), float(0.40821073)};
  std::array<float, 3> std = {float(0.26862954), float(0.26130258), float(0.27577711)};
  double rescale_factor = 1.0 / 255.0;  // uint8 -> [0, 1], applied in double then rounded to fp32

  // Feature rows (and columns) of one tile: tile_size / patch_size (24 at 336/14).
  int features_per_tile_side() const { return tile_size / patch_size; }
};

// Checks the invariants the preprocessing relies on: positive sizes, tile a multiple of the patch, at
// least one pinpoint, every pinpoint a positive multiple of the tile, finite mean and non-zero finite std,
// positive rescale factor. `source` names where the values came from. Throws Error(kBadModel) naming the
// field and what is expected.
void validate_preprocess_config(const PreprocessConfig& config, const std::string& source);

// Builds the configuration from the parsed preprocessor_config.json and config.json objects; either
// pointer may be null when that file is absent. `preprocessor_name` / `model_name` are used in messages.
// Throws Error(kBadModel) for a malformed or inconsistent field (naming the file and key), a missing
// required value, and Error(kUnsupported) for a processing mode other than "anyres", non-square tiles, a
// resample filter other than bicubic or a disabled rescale/normalize step. Thread-safe.
PreprocessConfig parse_preprocess_config(const nlohmann::json* preprocessor, const std::string& preprocessor_name,
                                         const nlohmann::json* model, const std::string& model_name);

// Reads preprocessor_config.json and config.json from `model_dir` (either may be missing, not both) and
// calls parse_preprocess_config. Throws Error(kNotFound) when neither file exists, Error(kBadModel) for
// invalid JSON, and whatever parse_preprocess_config throws. Thread-safe.
PreprocessConfig load_preprocess_config(const std::filesystem::path& model_dir);

}  // namespace lightvl::vision
