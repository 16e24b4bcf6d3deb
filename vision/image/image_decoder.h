// Decoding image files into RgbImage with the pixels Pillow gives the reference processor.
//
// The MiniMax-VL-01 processor sees `PIL.Image.open(f).convert("RGB")`, so that is the contract here, per
// format (each decoder file says which library it uses and why):
//   JPEG  libjpeg-turbo with Pillow's settings (islow IDCT, fancy upsampling); gray is replicated; CMYK
//         and YCCK are read as inverted Adobe CMYK and converted with Pillow's CMYK->RGB formula.
//   PNG   libpng, all colour types and bit depths, interlaced or not; alpha is dropped, not composited;
//         16-bit samples keep their high byte, except 16-bit gray, which Pillow opens as a 32-bit
//         integer image and clips to 255; palette indices past the palette are black.
//   GIF   giflib, first frame only, on the logical screen as Pillow lays it out.
//   BMP   stb_image (uncompressed and bitfield BMPs; RLE-compressed BMPs are refused).
//   WebP  libwebp's animation decoder, first frame, as Pillow does it.
// EXIF orientation is ignored, as the reference ignores it. The format is recognised from the first
// bytes (like Pillow), never from the file name.
//
// Bad input never crashes and never exits: every failure is an Error whose message names the file and
// says what to do. Decompression bombs are refused from the header, before any pixel memory is allocated.
// All functions are thread-safe (the libraries are used with per-call state only).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "vision/image/rgb_image.h"

namespace lightvl::vision {

// Pillow's own refusal threshold (Image.MAX_IMAGE_PIXELS * 2, where it raises DecompressionBombError).
// At 3 bytes a pixel that is about 537 MB of decoded RGB.
inline constexpr int64_t kDefaultMaxImagePixels = 178956970;

struct DecodeOptions {
  // Images with more than this many pixels (width * height, of the canvas for GIF and WebP) are refused
  // with Error(kInvalidArgument) before decoding. Must be positive.
  int64_t max_pixels = kDefaultMaxImagePixels;
};

enum class ImageFormat { kUnknown, kJpeg, kPng, kGif, kBmp, kWebp };

// "JPEG", "PNG", ... ("unknown" for kUnknown). Never fails.
const char* image_format_name(ImageFormat format);

// Recognises the format from the leading magic bytes. Returns kUnknown when none matches. Never fails.
ImageFormat sniff_image_format(std::span<const uint8_t> bytes);

// Decodes encoded image bytes held by the caller. `name` identifies the image in messages (a file name, or
// something like "<image 2 of the request>").
// Throws Error(kInvalidArgument) for empty, corrupt or truncated data, a zero-sized image or one above
// options.max_pixels; Error(kUnsupported) for a format or variant this build does not read;
// Error(kOutOfMemory) when the pixels cannot be allocated.
RgbImage decode_image(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options = {});

// Reads the file at `path` and decodes it as decode_image does; messages name `path`.
// Additionally throws Error(kNotFound) when the file does not exist and Error(kIo) when it cannot be read.
RgbImage decode_image_file(const std::filesystem::path& path, const DecodeOptions& options = {});

}  // namespace lightvl::vision
