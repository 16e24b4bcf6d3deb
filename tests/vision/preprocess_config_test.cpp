// Loading PreprocessConfig from the two spellings of preprocessor_config.json and from config.json.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "core/error.h"
#include "vision/preprocess/preprocess_config.h"

namespace lightvl::test {
namespace {

using nlohmann::json;
using vision::GridPinpoint;
using vision::parse_preprocess_config;

const json kReleasedPinpoints = json::parse(R"([[336,336],[336,672],[672,336],[1008,336],[336,1008]])");

json remote_style() {  // the released remote-code processor's keys
  return {{"size", {336, 336}}, {"patch_size", 14}, {"process_image_mode", "anyres"},
          {"image_grid_pinpoints", kReleasedPinpoints},
          {"image_mean", {0.5, 0.25, 0.125}}, {"image_std", {0.5, 0.5, 0.25}}};
}

json model_config() {  // config.json of MiniMax-VL-01
  return {{"image_grid_pinpoints", kReleasedPinpoints},
          {"vision_config", {{"image_size", 336}, {"patch_size", 14}, {"hidden_size", 1024}}}};
}

void expect_error(const json* pre, const json* model, ErrorCode code, const std::string& fragment) {
  try {
    parse_preprocess_config(pre, "preprocessor_config.json", model, "config.json");
    ADD_FAILURE() << "accepted; expected an error containing " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(PreprocessConfig, ReadsTheRemoteSpelling) {
  const json pre = remote_style();
  const auto c = parse_preprocess_config(&pre, "preprocessor_config.json", nullptr, "");
  EXPECT_EQ(c.tile_size, 336);
  EXPECT_EQ(c.patch_size, 14);
  EXPECT_EQ(c.features_per_tile_side(), 24);
  ASSERT_EQ(c.pinpoints.size(), 5u);
  EXPECT_EQ(c.pinpoints[1], (GridPinpoint{336, 672}));  // [a, b] is width a, height b
  EXPECT_EQ(c.mean[2], 0.125f);
  EXPECT_EQ(c.std[2], 0.25f);
  EXPECT_DOUBLE_EQ(c.rescale_factor, 1.0 / 255.0);
}

TEST(PreprocessConfig, ReadsTheTransformersSpellingAndFillsFromConfigJson) {
  const json pre = {{"size", {{"height", 336}, {"width", 336}}}, {"resample", 3}, {"do_rescale", true},
                    {"rescale_factor", 0.00392156862745098}, {"crop_size", nullptr}};
  const json model = model_config();
  const auto c = parse_preprocess_config(&pre, "preprocessor_config.json", &model, "config.json");
  EXPECT_EQ(c.tile_size, 336);
  EXPECT_EQ(c.patch_size, 14);  // from vision_config
  EXPECT_EQ(c.pinpoints.size(), 5u);
  EXPECT_EQ(c.mean[0], float(0.48145466));  // CLIP defaults
}

TEST(PreprocessConfig, ConfigJsonAlone) {
  const json model = model_config();
  const auto c = parse_preprocess_config(nullptr, "", &model, "config.json");
  EXPECT_EQ(c.tile_size, 336);
  EXPECT_EQ(c.pinpoints.front(), (GridPinpoint{336, 336}));
}

TEST(PreprocessConfig, PinpointsWrittenAsAString) {
  json model = model_config();
  model["image_grid_pinpoints"] = "[(336, 672), (672, 336)]";
  const auto c = parse_preprocess_config(nullptr, "", &model, "config.json");
  EXPECT_EQ(c.pinpoints, (std::vector<GridPinpoint>{{336, 672}, {672, 336}}));
}

TEST(PreprocessConfig, FilesMustAgree) {
  json pre = remote_style();
  json model = model_config();
  model["vision_config"]["image_size"] = 224;
  expect_error(&pre, &model, ErrorCode::kBadModel, "disagree");
  model = model_config();
  model["image_grid_pinpoints"] = json::parse("[[336,336]]");
  expect_error(&pre, &model, ErrorCode::kBadModel, "image_grid_pinpoints");
}

TEST(PreprocessConfig, RefusesWhatItCannotHonour) {
  json pre = remote_style();
  pre["process_image_mode"] = "dynamic_res";
  expect_error(&pre, nullptr, ErrorCode::kUnsupported, "process_image_mode");
  pre = remote_style();
  pre["size"] = {336, 224};
  expect_error(&pre, nullptr, ErrorCode::kUnsupported, "square");
  pre = remote_style();
  pre["resample"] = 2;
  expect_error(&pre, nullptr, ErrorCode::kUnsupported, "bicubic");
  pre = remote_style();
  pre["do_normalize"] = false;
  expect_error(&pre, nullptr, ErrorCode::kUnsupported, "do_normalize");
}

TEST(PreprocessConfig, RefusesMalformedValues) {
  json pre = remote_style();
  pre["image_grid_pinpoints"] = json::parse("[[336,300]]");
  expect_error(&pre, nullptr, ErrorCode::kBadModel, "multiple of the tile size");
  pre = remote_style();
  pre["image_std"] = {0.5, 0.0, 0.5};
  expect_error(&pre, nullptr, ErrorCode::kBadModel, "image_std");
  pre = remote_style();
  pre["image_mean"] = {0.5, 0.5};
  expect_error(&pre, nullptr, ErrorCode::kBadModel, "image_mean");
  pre = remote_style();
  pre["patch_size"] = "14";
  expect_error(&pre, nullptr, ErrorCode::kBadModel, "patch_size");
  pre = remote_style();
  pre["patch_size"] = 20;
  expect_error(&pre, nullptr, ErrorCode::kBadModel, "multiple of the patch size");
  pre = remote_style();
  pre.erase("image_grid_pinpoints");
  expect_error(&pre, nullptr, ErrorCode::kBadModel, "no \"image_grid_pinpoints\"");
}

TEST(PreprocessConfig, LoadsFromACheckpointDirectory) {
  const auto dir = std::filesystem::temp_directory_path() / ("lightvl_pre_" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  EXPECT_THROW(vision::load_preprocess_config(dir), Error);  // neither file
  std::ofstream(dir / "config.json") << model_config().dump();
  std::ofstream(dir / "preprocessor_config.json") << remote_style().dump();
  const auto c = vision::load_preprocess_config(dir);
  EXPECT_EQ(c.tile_size, 336);
  EXPECT_EQ(c.mean[1], 0.25f);
  std::ofstream(dir / "preprocessor_config.json") << "{ not json";
  try {
    vision::load_preprocess_config(dir);
    ADD_FAILURE() << "invalid JSON accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadModel);
    EXPECT_NE(std::string(e.what()).find("preprocessor_config.json"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lightvl::test
