// Format recognition, file reading and the checks shared by all decoders.
#include "vision/image/image_decoder.h"

#include <cstring>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "vision/image/format_decoders.h"

namespace lightvl::vision {

namespace {

bool starts_with(std::span<const uint8_t> bytes, const char* magic, size_t offset = 0) {
  size_t n = std::strlen(magic);
  return bytes.size() >= offset + n && std::memcmp(bytes.data() + offset, magic, n) == 0;
}

}  // namespace

const char* image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "JPEG";
    case ImageFormat::kPng: return "PNG";
    case ImageFormat::kGif: return "GIF";
    case ImageFormat::kBmp: return "BMP";
    case ImageFormat::kWebp: return "WebP";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

ImageFormat sniff_image_format(std::span<const uint8_t> bytes) {
  // The same signatures Pillow's plugins accept: the JPEG SOI marker followed by any marker, the
  // 8-byte PNG signature, GIF87a/GIF89a, "BM", and a RIFF container whose form type is WEBP.
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return ImageFormat::kJpeg;
  if (starts_with(bytes, "\x89PNG\r\n\x1a\n")) return ImageFormat::kPng;
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return ImageFormat::kGif;
  if (starts_with(bytes, "BM")) return ImageFormat::kBmp;
  if (starts_with(bytes, "RIFF") && starts_with(bytes, "WEBP", 8)) return ImageFormat::kWebp;
  return ImageFormat::kUnknown;
}

RgbImage decode_image(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options) {
  require(options.max_pixels > 0, ErrorCode::kInvalidArgument,
          "DecodeOptions::max_pixels must be positive (got " + std::to_string(options.max_pixels) + ")");
  require(!bytes.empty(), ErrorCode::kInvalidArgument,
          name + ": the image is empty (0 bytes); check that the file was written completely");
  switch (sniff_image_format(bytes)) {
    case ImageFormat::kJpeg: return detail::decode_jpeg(bytes, name, options);
    case ImageFormat::kPng: return detail::decode_png(bytes, name, options);
    case ImageFormat::kGif: return detail::decode_gif(bytes, name, options);
    case ImageFormat::kBmp: return detail::decode_bmp(bytes, name, options);
    case ImageFormat::kWebp: return detail::decode_webp(bytes, name, options);
    case ImageFormat::kUnknown: break;
  }
  fail(ErrorCode::kUnsupported, name + ": not a JPEG, PNG, GIF, BMP or WebP image (unrecognised leading bytes); "
                                       "convert it to PNG or JPEG");
}

RgbImage decode_image_file(const std::filesystem::path& path, const DecodeOptions& options) {
  const std::string name = path.string();
  std::error_code ec;
  require(std::filesystem::exists(path, ec), ErrorCode::kNotFound, name + ": image file not found");
  require(!std::filesystem::is_directory(path, ec), ErrorCode::kIo,
          name + ": is a directory, not an image file");
  std::ifstream in(path, std::ios::binary);
  require(in.good(), ErrorCode::kIo, name + ": cannot open the image file (check its permissions)");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  require(!in.bad(), ErrorCode::kIo, name + ": reading the image file failed");
  return decode_image(bytes, name, options);
}

namespace detail {

void check_image_size(int64_t width, int64_t height, const DecodeOptions& options, const std::string& name,
                      const char* format) {
  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  if (width <= 0 || height <= 0) {
    fail_corrupt(name, format, "the header declares an empty " + size + " image");
  }
  require(width * height <= options.max_pixels, ErrorCode::kInvalidArgument,
          name + ": " + format + " image is " + size + " = " + std::to_string(width * height) +
              " pixels, above the limit of " + std::to_string(options.max_pixels) +
              " (a possible decompression bomb); downscale the image or raise DecodeOptions::max_pixels");
}

void fail_corrupt(const std::string& name, const char* format, const std::string& detail) {
  fail(ErrorCode::kInvalidArgument, name + ": cannot decode " + format + ": " + detail +
                                        "; the file is damaged or incomplete: re-export or re-download it");
}

void fail_unsupported(const std::string& name, const char* format, const std::string& detail) {
  fail(ErrorCode::kUnsupported,
       name + ": " + format + " variant not supported: " + detail + "; convert the image to PNG or JPEG");
}

}  // namespace detail
}  // namespace lightvl::vision
