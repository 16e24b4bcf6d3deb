// Internal to lightvl_image: one decoder per format, and the checks every decoder shares.
//
// image_decoder.cpp sniffs the format and calls one of these. Each has decode_image()'s contract (see
// image_decoder.h): bytes in, Pillow-equal RGB out, Error naming `name` on any failure.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "vision/image/image_decoder.h"
#include "vision/image/rgb_image.h"

namespace lightvl::vision::detail {

RgbImage decode_jpeg(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options);
RgbImage decode_png(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options);
RgbImage decode_gif(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options);
RgbImage decode_bmp(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options);
RgbImage decode_webp(std::span<const uint8_t> bytes, const std::string& name, const DecodeOptions& options);

// Refuses a zero-sized image (Error kInvalidArgument) or one above options.max_pixels (Error
// kInvalidArgument, saying how to raise the limit). Call it with the header's size before allocating.
void check_image_size(int64_t width, int64_t height, const DecodeOptions& options, const std::string& name,
                      const char* format);

// Throws Error(kInvalidArgument): "<name>: cannot decode <format>: <detail>" plus advice to re-export.
[[noreturn]] void fail_corrupt(const std::string& name, const char* format, const std::string& detail);

// Throws Error(kUnsupported): "<name>: <format> variant not supported: <detail>" plus advice to convert.
[[noreturn]] void fail_unsupported(const std::string& name, const char* format, const std::string& detail);

}  // namespace lightvl::vision::detail
