// Test helper: where the vision fixtures and goldens live, and how to read their manifest.
// The goldens come from tests/reference/make_vision_goldens.py (transformers' MiniMax-VL-01 processor on
// Pillow); see that script for how they were made.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vision/image/rgb_image.h"
#include "vision/preprocess/preprocess_config.h"

namespace lightvl::test {

inline std::filesystem::path fixture_image_dir() {
  return std::filesystem::path(LIGHTVL_SOURCE_DIR) / "tests" / "fixtures" / "images";
}
inline std::filesystem::path vision_golden_dir() {
  return std::filesystem::path(LIGHTVL_SOURCE_DIR) / "tests" / "fixtures" / "golden" / "vision_preprocess";
}

// manifest.json of the golden directory (parsed once).
const nlohmann::json& vision_manifest();

// The manifest's "images" entries (empty when the goldens are missing), and a gtest name for one.
std::vector<nlohmann::json> vision_golden_images();
std::string golden_test_name(const testing::TestParamInfo<nlohmann::json>& info);

// The tiny preprocessing configuration the goldens were made with, read through the production loader
// (the manifest's "config" written as a transformers-style preprocessor_config.json).
vision::PreprocessConfig tiny_preprocess_config();

// An .npy golden of shape [H, W, 3] uint8 as an RgbImage.
vision::RgbImage read_rgb_golden(const std::string& file);

}  // namespace lightvl::test
