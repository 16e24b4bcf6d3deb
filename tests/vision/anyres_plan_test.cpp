// Grid choice and image-token counts against the reference processor's own count function, at the
// released 336/14 configuration, for spec §7.6's sizes and a few hundred random ones.
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "vision/preprocess/anyres_plan.h"
#include "vision_goldens.h"

namespace lightvl::test {
namespace {

using vision::AnyresPlan;
using vision::PreprocessConfig;

struct Released {
  nlohmann::json sizes;
  PreprocessConfig config;
};

// The released configuration as config.json states it (top-level pinpoints, vision_config sizes).
const Released& released() {
  static const Released value = [] {
    std::ifstream in(vision_golden_dir() / "token_counts_336.json");
    const nlohmann::json golden = nlohmann::json::parse(in);
    const nlohmann::json& c = golden.at("config");
    const nlohmann::json model = {
        {"image_grid_pinpoints", c.at("image_grid_pinpoints")},
        {"vision_config", {{"image_size", c.at("tile_size")}, {"patch_size", c.at("patch_size")}}},
    };
    return Released{golden.at("sizes"), vision::parse_preprocess_config(nullptr, "", &model, "config.json")};
  }();
  return value;
}

TEST(AnyresPlan, TokenCountsAndGridsEqualTheReferenceAt336) {
  const Released& r = released();
  ASSERT_GE(r.sizes.size(), 400u);
  int checked = 0, refused = 0;
  for (const nlohmann::json& s : r.sizes) {
    const int w = s.at("width"), h = s.at("height");
    if (s.at("resize_is_zero").get<bool>()) {
      // The reference cannot resize these either (a 0-pixel side); lightvl refuses them up front.
      EXPECT_THROW(vision::plan_anyres(w, h, r.config), Error) << w << "x" << h;
      ++refused;
      continue;
    }
    const AnyresPlan plan = vision::plan_anyres(w, h, r.config);
    EXPECT_EQ(plan.num_tokens, s.at("num_tokens").get<int64_t>()) << w << "x" << h;
    EXPECT_EQ(plan.grid.width, s.at("grid_width").get<int>()) << w << "x" << h;
    EXPECT_EQ(plan.grid.height, s.at("grid_height").get<int>()) << w << "x" << h;
    ++checked;
  }
  std::printf("[ tokens ] %d sizes match the reference count, %d too-thin sizes refused\n", checked, refused);
}

// Spec §7.6's worked example, field by field (the geometry the packing code will read).
TEST(AnyresPlan, FieldsOf1280x720) {
  const AnyresPlan p = vision::plan_anyres(1280, 720, released().config);
  EXPECT_EQ(p.grid, (vision::GridPinpoint{1344, 1008}));
  EXPECT_EQ(p.tiles_x, 4);
  EXPECT_EQ(p.tiles_y, 3);
  EXPECT_EQ(p.num_tiles(), 13);
  EXPECT_EQ(p.resized_width, 1344);
  EXPECT_EQ(p.resized_height, 756);  // floor(1344 * 720 / 1280)
  EXPECT_EQ(p.pad_left, 0);
  EXPECT_EQ(p.pad_top, 126);
  EXPECT_EQ(p.feature_cols, 96);
  EXPECT_EQ(p.feature_rows, 72);
  EXPECT_EQ(p.kept_col_begin, 0);
  EXPECT_EQ(p.kept_col_end, 96);
  EXPECT_EQ(p.kept_row_begin, 9);  // new_h = floor(720 * 96 / 1280) = 54, pad (72 - 54) / 2
  EXPECT_EQ(p.kept_row_end, 63);
  EXPECT_EQ(p.base_tokens, 576);
  EXPECT_EQ(p.num_tokens, 5814);
}

TEST(AnyresPlan, InvariantsHoldForManySizes) {
  const PreprocessConfig& config = released().config;
  for (int w = 1; w <= 2200; w += 37) {
    for (int h = 1; h <= 2200; h += 41) {
      AnyresPlan p;
      try {
        p = vision::plan_anyres(w, h, config);
      } catch (const Error&) {
        continue;  // too thin for any grid
      }
      ASSERT_TRUE(p.resized_width == p.grid.width || p.resized_height == p.grid.height) << w << "x" << h;
      ASSERT_LE(p.pad_left + p.resized_width, p.grid.width);
      ASSERT_LE(p.pad_top + p.resized_height, p.grid.height);
      ASSERT_TRUE(p.kept_cols() == p.feature_cols || p.kept_rows() == p.feature_rows);
      // A very thin image may keep no feature column (or row) at all; the reference counts it the same way.
      ASSERT_GE(p.kept_cols(), 0);
      ASSERT_GE(p.kept_rows(), 0);
      ASSERT_EQ(p.num_tokens, 576 + int64_t(p.kept_rows()) * (p.kept_cols() + 1));
    }
  }
}

TEST(AnyresPlan, RefusesEmptyAndTooThinImages) {
  EXPECT_THROW(vision::plan_anyres(0, 10, released().config), Error);
  try {
    vision::plan_anyres(1, 5000, released().config, "thin.png");
    ADD_FAILURE() << "a 1x5000 image was planned";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("thin.png"), std::string::npos);
  }
}

}  // namespace
}  // namespace lightvl::test
