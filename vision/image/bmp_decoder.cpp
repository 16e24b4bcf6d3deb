// BMP through stb_image (Debian's libstb), after our own header checks.
//
// Why stb_image: uncompressed BMP is raw pixels, so any correct reader gives Pillow's bytes, and stb is a
// small, well-used library already packaged by Debian (OpenCV would be a large dependency for this).
// What stb does not do, and Pillow does, is done here before calling it:
//   - truncated pixel data is refused (stb would silently fill the missing rows with zeros);
//   - a header stb does not know would make stb try its other format readers on the bytes, so the DIB
//     header size is checked first and only the variants stb reads are passed on;
//   - RLE- and JPEG/PNG-compressed BMPs are refused as unsupported (stb cannot read them).
// 16-bit BMPs are read by stb with its own 5/6-bit expansion, which may differ from Pillow's by one level;
// Pillow's own BMP writer never produces them.
#include <stb_image.h>

#include <cstring>
#include <memory>

#include "core/error.h"
#include "vision/image/format_decoders.h"

namespace lightvl::vision::detail {

namespace {

constexpr const char* kFormat = "BMP";

uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }

// The fields needed to validate a BMP before stb reads it.
struct BmpHeader {
  uint32_t pixel_offset = 0;
  uint32_t dib_size = 0;
  int64_t width = 0;
  int64_t height = 0;  // absolute value; negative in the file means top-down rows
  uint32_t bits_per_pixel = 0;
  uint32_t compression = 0;  // 0 = none, 3/6 = bit fields, 1/2 = RLE, 4/5 = JPEG/PNG
};

BmpHeader parse_header(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.size() < 26) fail_corrupt(name, kFormat, "the file is shorter than a BMP header");
  BmpHeader h;
  h.pixel_offset = le32(&bytes[10]);
  h.dib_size = le32(&bytes[14]);
  if (h.dib_size != 12 && h.dib_size != 40 && h.dib_size != 56 && h.dib_size != 108 && h.dib_size != 124) {
    fail_unsupported(name, kFormat, "DIB header of " + std::to_string(h.dib_size) + " bytes");
  }
  if (bytes.size() < 14 + size_t(h.dib_size)) fail_corrupt(name, kFormat, "the header is truncated");
  if (h.dib_size == 12) {  // OS/2 1.x: 16-bit sizes, no compression
    h.width = int16_t(le16(&bytes[18]));
    h.height = int16_t(le16(&bytes[20]));
    h.bits_per_pixel = le16(&bytes[24]);
  } else {
    h.width = int32_t(le32(&bytes[18]));
    h.height = int32_t(le32(&bytes[22]));
    h.bits_per_pixel = le16(&bytes[28]);
    h.compression = le32(&bytes[30]);
  }
  if (h.height < 0) h.height = -h.height;
  return h;
}

struct StbFree {
  void operator()(stbi_uc* p) const { stbi_image_free(p); }
};

}  // namespace

RgbImage decode_bmp(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options) {
  const BmpHeader h = parse_header(bytes, name);
  if (h.compression != 0 && h.compression != 3 && h.compression != 6) {
    fail_unsupported(name, kFormat, "compression method " + std::to_string(h.compression) + " (RLE, JPEG or PNG)");
  }
  check_image_size(h.width, h.height, options, name, kFormat);
  // Uncompressed rows are padded to 4 bytes; the file must hold all of them.
  const int64_t stride = (h.width * int64_t(h.bits_per_pixel) + 31) / 32 * 4;
  if (int64_t(h.pixel_offset) + stride * h.height > int64_t(bytes.size())) {
    fail_corrupt(name, kFormat, "the pixel data ends before the image is complete (truncated)");
  }

  int width = 0, height = 0, channels = 0;
  std::unique_ptr<stbi_uc, StbFree> pixels(
      stbi_load_from_memory(bytes.data(), int(bytes.size()), &width, &height, &channels, 3));
  if (!pixels) {
    const char* reason = stbi_failure_reason();
    if (reason != nullptr && std::strcmp(reason, "outofmem") == 0) {
      fail(ErrorCode::kOutOfMemory, name + ": out of memory decoding the BMP; use a smaller image");
    }
    fail_corrupt(name, kFormat, std::string("stb_image: ") + (reason != nullptr ? reason : "unknown error"));
  }
  if (width != h.width || height != h.height) fail_corrupt(name, kFormat, "inconsistent image size");
  RgbImage image = make_rgb_image(width, height, name);
  std::memcpy(image.pixels.data(), pixels.get(), image.pixels.size());
  return image;
}

}  // namespace lightvl::vision::detail
