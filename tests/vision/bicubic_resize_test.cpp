// resize_bicubic against Pillow's Image.resize(..., Image.BICUBIC), bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "vision/image/image_decoder.h"
#include "vision/preprocess/bicubic_resize.h"
#include "vision_goldens.h"

namespace lightvl::test {
namespace {

using vision::RgbImage;

TEST(BicubicResize, EqualsPillowBitForBit) {
  const nlohmann::json& cases = vision_manifest().at("resize");
  ASSERT_FALSE(cases.empty());
  for (const nlohmann::json& c : cases) {
    const std::string source = c.at("source");
    const RgbImage input = vision::decode_image_file(fixture_image_dir() / source);
    const RgbImage expected = read_rgb_golden(c.at("golden"));
    const RgbImage resized = vision::resize_bicubic(input, c.at("width"), c.at("height"));
    ASSERT_EQ(resized.width, expected.width);
    ASSERT_EQ(resized.height, expected.height);
    int worst = 0;
    for (size_t i = 0; i < resized.pixels.size(); ++i) {
      worst = std::max(worst, std::abs(int(resized.pixels[i]) - int(expected.pixels[i])));
    }
    std::printf("[ resize ] %s %dx%d -> %dx%d  max |ours - Pillow| = %d\n", source.c_str(), input.width,
                input.height, resized.width, resized.height, worst);
    EXPECT_EQ(worst, 0) << source << " -> " << resized.width << "x" << resized.height;
  }
}

TEST(BicubicResize, SameSizeIsACopy) {
  const RgbImage input = vision::decode_image_file(fixture_image_dir() / "small_30x20.png");
  EXPECT_TRUE(vision::resize_bicubic(input, 30, 20).pixels == input.pixels);
}

TEST(BicubicResize, RefusesEmptySizes) {
  const RgbImage input = vision::decode_image_file(fixture_image_dir() / "small_30x20.png");
  EXPECT_THROW(vision::resize_bicubic(input, 0, 5), Error);
  EXPECT_THROW(vision::resize_bicubic(RgbImage{}, 5, 5), Error);
}

}  // namespace
}  // namespace lightvl::test
