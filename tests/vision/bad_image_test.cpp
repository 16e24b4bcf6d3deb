// Bad images are refused with an Error that names the file; nothing crashes, nothing exits.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "core/error.h"
#include "vision/image/image_decoder.h"
#include "vision_goldens.h"

namespace lightvl::test {
namespace {

using vision::decode_image;
using vision::decode_image_file;

std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Decodes `path` expecting Error(code) whose message names the file and contains `fragment`.
void expect_refused(const std::filesystem::path& path, ErrorCode code, const std::string& fragment) {
  try {
    decode_image_file(path);
    ADD_FAILURE() << path << " was decoded";
  } catch (const Error& e) {
    std::printf("[ refuse ] %s\n", e.what());
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

// The bad fixtures Pillow also refuses (the manifest records Pillow's verdict for each).
TEST(BadImages, FixturesAreRefusedLikePillowRefusesThem) {
  for (const nlohmann::json& entry : vision_manifest().at("bad_images")) {
    const std::string file = entry.at("file");
    if (file == "zero_width.png") continue;  // Pillow's verdict on this one is not an error in all versions
    EXPECT_NE(entry.at("pillow").get<std::string>(), "decoded") << file;
  }
  const auto dir = fixture_image_dir();
  expect_refused(dir / "corrupt.jpg", ErrorCode::kInvalidArgument, "Huffman");
  expect_refused(dir / "truncated.jpg", ErrorCode::kInvalidArgument, "truncated");
  expect_refused(dir / "truncated.png", ErrorCode::kInvalidArgument, "truncated");
  expect_refused(dir / "bomb.png", ErrorCode::kInvalidArgument, "decompression bomb");
  expect_refused(dir / "zero_width.png", ErrorCode::kInvalidArgument, "PNG");
}

class TempDir : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lightvl_bad_image_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }
  std::filesystem::path dir_;
};

TEST_F(TempDir, ZeroByteFile) { expect_refused(write("empty.jpg", ""), ErrorCode::kInvalidArgument, "0 bytes"); }

TEST_F(TempDir, UnsupportedFormats) {
  expect_refused(write("notes.png", "this is text, not an image"), ErrorCode::kUnsupported, "not a JPEG");
  expect_refused(write("scan.tif", std::string("II*\0\x08\0\0\0", 8)), ErrorCode::kUnsupported, "not a JPEG");
  // An RLE-compressed BMP: a header stb cannot read past.
  std::string bmp(54, '\0');
  bmp[0] = 'B';
  bmp[1] = 'M';
  bmp[14] = 40;  // BITMAPINFOHEADER
  bmp[18] = 4;   // width 4
  bmp[22] = 4;   // height 4
  bmp[28] = 8;   // 8 bits per pixel
  bmp[30] = 1;   // BI_RLE8
  expect_refused(write("rle.bmp", bmp), ErrorCode::kUnsupported, "compression");
}

TEST_F(TempDir, MissingFileAndDirectory) {
  expect_refused(dir_ / "missing.png", ErrorCode::kNotFound, "not found");
  expect_refused(dir_, ErrorCode::kIo, "directory");
}

// Every prefix-truncation and a few byte corruptions of every good fixture either decode or throw Error:
// the decoders must never crash, hang or exit on damaged data.
TEST(BadImages, DamagedCopiesOfEveryFixtureNeverCrash) {
  std::mt19937 rng(7);
  int refused = 0, decoded = 0;
  for (const nlohmann::json& entry : vision_golden_images()) {
    const std::string file = entry.at("file");
    const std::vector<uint8_t> bytes = read_bytes(fixture_image_dir() / file);
    std::vector<std::vector<uint8_t>> variants;
    for (int cut = 1; cut <= 16; ++cut) {
      variants.emplace_back(bytes.begin(), bytes.begin() + long(bytes.size() * size_t(cut) / 17));
    }
    for (int flip = 0; flip < 16; ++flip) {
      std::vector<uint8_t> damaged = bytes;
      for (int k = 0; k < 4; ++k) damaged[rng() % damaged.size()] ^= uint8_t(1 + rng() % 255);
      variants.push_back(std::move(damaged));
    }
    for (const auto& variant : variants) {
      try {
        decode_image(variant, file + " (damaged)");
        ++decoded;
      } catch (const Error& e) {
        ++refused;
        EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
      }
    }
  }
  std::printf("[ damage ] %d damaged variants refused with Error, %d still decodable, 0 crashes\n", refused, decoded);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace lightvl::test
