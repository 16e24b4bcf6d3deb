#include "vision_goldens.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "npy.h"

namespace lightvl::test {

const nlohmann::json& vision_manifest() {
  // Read during test registration, so a missing file yields an empty manifest (and a failing
  // VisionGoldens.ManifestIsPresent test) rather than an exception before main().
  static const nlohmann::json manifest = [] {
    std::ifstream in(vision_golden_dir() / "manifest.json");
    return in ? nlohmann::json::parse(in) : nlohmann::json::object();
  }();
  return manifest;
}

std::vector<nlohmann::json> vision_golden_images() {
  const nlohmann::json& manifest = vision_manifest();
  if (!manifest.contains("images")) return {};
  return {manifest["images"].begin(), manifest["images"].end()};
}

std::string golden_test_name(const testing::TestParamInfo<nlohmann::json>& info) {
  std::string name = info.param.at("file");
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

vision::PreprocessConfig tiny_preprocess_config() {
  const nlohmann::json& c = vision_manifest().at("config");
  const int tile = c.at("tile_size").get<int>();
  nlohmann::json preprocessor = {
      {"size", {{"height", tile}, {"width", tile}}},
      {"patch_size", c.at("patch_size")},
      {"image_grid_pinpoints", c.at("image_grid_pinpoints")},
      {"image_mean", c.at("image_mean")},
      {"image_std", c.at("image_std")},
      {"rescale_factor", c.at("rescale_factor")},
      {"process_image_mode", "anyres"},
  };
  return vision::parse_preprocess_config(&preprocessor, "tiny preprocessor_config.json", nullptr, "");
}

vision::RgbImage read_rgb_golden(const std::string& file) {
  const NpyArray array = read_npy(vision_golden_dir() / file);
  if (array.shape.size() != 3 || array.shape[2] != 3) throw std::runtime_error(file + ": not [H, W, 3]");
  vision::RgbImage image;
  image.height = int(array.shape[0]);
  image.width = int(array.shape[1]);
  image.pixels.resize(array.data.size());
  std::memcpy(image.pixels.data(), array.as<uint8_t>(), array.data.size());
  return image;
}

}  // namespace lightvl::test
