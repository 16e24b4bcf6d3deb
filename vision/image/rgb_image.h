// RgbImage: the one in-memory picture format of the vision half.
//
// Every decoder produces it and every preprocessing step consumes it: 8-bit RGB, three bytes per pixel,
// rows stored top to bottom with no padding between them (pixel (x, y) channel c is at
// pixels[(y * width + x) * 3 + c]). This is the layout of numpy.asarray(pil_image.convert("RGB")), so a
// golden dumped from Pillow compares byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lightvl::vision {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height * 3 bytes, row-major, RGB interleaved

  // Bytes in one row (width * 3).
  size_t row_bytes() const { return size_t(width) * 3; }
  // Start of row `y`; `y` must be in [0, height).
  uint8_t* row(int y) { return pixels.data() + size_t(y) * row_bytes(); }
  const uint8_t* row(int y) const { return pixels.data() + size_t(y) * row_bytes(); }
};

// Allocates a width x height image filled with black. `name` (a file name or "<image 2>") is used in
// messages only. Throws Error(kInvalidArgument) for a non-positive size and Error(kOutOfMemory) when the
// pixels cannot be allocated. Does not check a decompression-bomb limit: decoders do that first.
RgbImage make_rgb_image(int width, int height, const std::string& name);

// Copies caller-owned RGB pixels (3 bytes per pixel; `row_stride` bytes from one row to the next, at
// least width * 3) into a new RgbImage. The SDK's entry point for raw pixels. `max_pixels` is the same
// decompression-bomb limit the decoders apply.
// Throws Error(kInvalidArgument) for a null pointer, a non-positive size, a stride below width * 3 or more
// than `max_pixels` pixels, naming `name`. Thread-safe; `rgb` is only read.
RgbImage copy_rgb_pixels(const uint8_t* rgb, int width, int height, size_t row_stride, int64_t max_pixels,
                         const std::string& name);

}  // namespace lightvl::vision
