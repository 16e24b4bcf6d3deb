// The whole anyres pipeline against transformers' MiniMaxVL01ImageProcessorPil (tiny config, tile 42):
// uint8 tiles identical, normalised fp32 within 1e-6, grid, tile count and token count exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "npy.h"
#include "vision/image/image_decoder.h"
#include "vision/preprocess/anyres_preprocess.h"
#include "vision_goldens.h"

namespace lightvl::test {
namespace {

using vision::RgbImage;

class PreprocessGolden : public testing::TestWithParam<nlohmann::json> {};

TEST_P(PreprocessGolden, MatchesTheReferenceProcessor) {
  const nlohmann::json& entry = GetParam();
  const std::string file = entry.at("file");
  const vision::PreprocessConfig config = tiny_preprocess_config();
  const RgbImage image = vision::decode_image_file(fixture_image_dir() / file);
  const int s = config.tile_size;

  // Geometry.
  const vision::AnyresPlan plan = vision::plan_anyres(image.width, image.height, config, file);
  EXPECT_EQ(plan.grid.width, entry.at("grid_width").get<int>()) << file;
  EXPECT_EQ(plan.grid.height, entry.at("grid_height").get<int>()) << file;
  EXPECT_EQ(plan.num_tiles(), entry.at("num_tiles").get<int>()) << file;
  EXPECT_EQ(plan.num_tokens, entry.at("num_tokens").get<int64_t>()) << file;

  // uint8 tiles before normalisation: golden is [T, 3, S, S], ours T x (S x S x 3).
  const NpyArray tiles_golden = read_npy(vision_golden_dir() / entry.at("tiles_u8").get<std::string>());
  const std::vector<RgbImage> tiles = vision::make_anyres_tiles(image, plan, config);
  ASSERT_EQ(tiles_golden.shape, (std::vector<int64_t>{int64_t(tiles.size()), 3, s, s})) << file;
  const uint8_t* expected = tiles_golden.as<uint8_t>();
  int worst_u8 = 0;
  for (size_t t = 0; t < tiles.size(); ++t) {
    for (int c = 0; c < 3; ++c) {
      for (int i = 0; i < s * s; ++i) {
        const int ours = tiles[t].pixels[size_t(i) * 3 + size_t(c)];
        const int theirs = expected[(t * 3 + size_t(c)) * size_t(s * s) + size_t(i)];
        worst_u8 = std::max(worst_u8, std::abs(ours - theirs));
      }
    }
  }

  // Normalised fp32 tensor from the full pipeline.
  const NpyArray pixels_golden = read_npy(vision_golden_dir() / entry.at("pixels_f32").get<std::string>());
  const vision::PreprocessedImage result = vision::preprocess_image(image, config, file);
  ASSERT_EQ(result.pixels.shape(), pixels_golden.shape) << file;
  const float* ours = result.pixels.data<float>();
  const float* theirs = pixels_golden.as<float>();
  double worst_f32 = 0.0;
  for (int64_t i = 0; i < pixels_golden.numel(); ++i) {
    worst_f32 = std::max(worst_f32, double(std::fabs(ours[i] - theirs[i])));
  }

  std::printf("[ anyres ] %-28s %3dx%-3d grid %3dx%-3d tiles %2d tokens %4lld  uint8 max diff %d  fp32 max err %.3g\n",
              file.c_str(), image.width, image.height, plan.grid.width, plan.grid.height, plan.num_tiles(),
              static_cast<long long>(plan.num_tokens), worst_u8, worst_f32);
  EXPECT_EQ(worst_u8, 0) << file;
  EXPECT_LE(worst_f32, 1e-6) << file;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PreprocessGolden, testing::ValuesIn(vision_golden_images()), golden_test_name);

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PreprocessGolden);

TEST(Preprocess, RefusesAPlanForAnotherImage) {
  const vision::PreprocessConfig config = tiny_preprocess_config();
  const RgbImage image = vision::decode_image_file(fixture_image_dir() / "small_30x20.png");
  const vision::AnyresPlan other = vision::plan_anyres(31, 20, config);
  EXPECT_THROW(vision::make_anyres_tiles(image, other, config), Error);
}

}  // namespace
}  // namespace lightvl::test
