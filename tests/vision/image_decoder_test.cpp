// Decoded pixels against Pillow's Image.open(f).convert("RGB") for every fixture format, exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/error.h"
#include "vision/image/image_decoder.h"
#include "vision_goldens.h"

namespace lightvl::test {
namespace {

using vision::decode_image;
using vision::decode_image_file;
using vision::DecodeOptions;
using vision::RgbImage;

std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int max_abs_diff(const RgbImage& a, const RgbImage& b) {
  int worst = 0;
  for (size_t i = 0; i < std::min(a.pixels.size(), b.pixels.size()); ++i) {
    worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  }
  return worst;
}

class DecodeGolden : public testing::TestWithParam<nlohmann::json> {};

TEST_P(DecodeGolden, PixelsEqualPillow) {
  const nlohmann::json& entry = GetParam();
  const std::string file = entry.at("file");
  const RgbImage expected = read_rgb_golden(entry.at("rgb"));
  const RgbImage decoded = decode_image_file(fixture_image_dir() / file);
  ASSERT_EQ(decoded.width, expected.width) << file;
  ASSERT_EQ(decoded.height, expected.height) << file;
  const int diff = max_abs_diff(decoded, expected);
  std::printf("[ decode ] %-28s Pillow mode %-5s %dx%d  max |ours - Pillow| = %d\n", file.c_str(),
              entry.at("pillow_mode").get<std::string>().c_str(), decoded.width, decoded.height, diff);
  EXPECT_EQ(diff, 0) << file;
  EXPECT_TRUE(decoded.pixels == expected.pixels) << file;
}

TEST_P(DecodeGolden, MemoryDecodingEqualsFileDecoding) {
  const std::string file = GetParam().at("file");
  const std::vector<uint8_t> bytes = read_bytes(fixture_image_dir() / file);
  const RgbImage from_memory = decode_image(bytes, "<" + file + " in memory>");
  const RgbImage from_file = decode_image_file(fixture_image_dir() / file);
  EXPECT_TRUE(from_memory.pixels == from_file.pixels) << file;
}

// The limit is checked on the header's size: exactly at the limit decodes, one pixel less refuses.
TEST_P(DecodeGolden, PixelLimitIsExact) {
  const nlohmann::json& entry = GetParam();
  const std::string file = entry.at("file");
  const int64_t pixels = entry.at("width").get<int64_t>() * entry.at("height").get<int64_t>();
  const auto path = fixture_image_dir() / file;
  EXPECT_NO_THROW(decode_image_file(path, DecodeOptions{pixels}));
  try {
    decode_image_file(path, DecodeOptions{pixels - 1});
    ADD_FAILURE() << file << " decoded above the pixel limit";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("max_pixels"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, DecodeGolden, testing::ValuesIn(vision_golden_images()), golden_test_name);

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DecodeGolden);

TEST(VisionGoldens, ManifestIsPresent) {
  ASSERT_FALSE(vision_golden_images().empty())
      << "no goldens in " << vision_golden_dir() << "; run tests/reference/make_vision_goldens.py";
}

TEST(DecodeFormats, EveryFormatIsCovered) {
  // A guard against a golden set that silently lost a format.
  std::vector<vision::ImageFormat> seen;
  for (const nlohmann::json& entry : vision_golden_images()) {
    seen.push_back(vision::sniff_image_format(read_bytes(fixture_image_dir() / entry.at("file").get<std::string>())));
  }
  for (auto format : {vision::ImageFormat::kJpeg, vision::ImageFormat::kPng, vision::ImageFormat::kGif,
                      vision::ImageFormat::kBmp, vision::ImageFormat::kWebp}) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), format), seen.end()) << vision::image_format_name(format);
  }
}

TEST(RawRgb, CopiesRowsWithStride) {
  const uint8_t pixels[] = {1, 2, 3, 4, 5, 6, 99, 99, 7, 8, 9, 10, 11, 12, 99, 99};  // 2x2, stride 8
  const RgbImage image = vision::copy_rgb_pixels(pixels, 2, 2, 8, 100, "raw");
  EXPECT_EQ(image.pixels, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
}

TEST(RawRgb, RefusesBadArguments) {
  const uint8_t pixels[12] = {};
  EXPECT_THROW(vision::copy_rgb_pixels(nullptr, 2, 2, 6, 100, "raw"), Error);
  EXPECT_THROW(vision::copy_rgb_pixels(pixels, 0, 2, 6, 100, "raw"), Error);
  EXPECT_THROW(vision::copy_rgb_pixels(pixels, 2, 2, 5, 100, "raw"), Error);
  EXPECT_THROW(vision::copy_rgb_pixels(pixels, 2, 2, 6, 3, "raw"), Error);
}

}  // namespace
}  // namespace lightvl::test
