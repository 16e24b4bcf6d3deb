#include "vision/image/rgb_image.h"

#include <cstring>
#include <new>

#include "core/error.h"

namespace lightvl::vision {

RgbImage make_rgb_image(int width, int height, const std::string& name) {
  require(width > 0 && height > 0, ErrorCode::kInvalidArgument,
          name + ": image size " + std::to_string(width) + "x" + std::to_string(height) +
              " is empty; an image needs at least one pixel");
  RgbImage image;
  image.width = width;
  image.height = height;
  try {
    image.pixels.assign(size_t(width) * size_t(height) * 3, 0);
  } catch (const std::bad_alloc&) {
    fail(ErrorCode::kOutOfMemory, name + ": cannot allocate " + std::to_string(width) + "x" +
                                      std::to_string(height) + " RGB pixels; use a smaller image");
  }
  return image;
}

RgbImage copy_rgb_pixels(const uint8_t* rgb, int width, int height, size_t row_stride, int64_t max_pixels,
                         const std::string& name) {
  require(rgb != nullptr, ErrorCode::kInvalidArgument, name + ": the RGB pixel pointer is null");
  require(width > 0 && height > 0, ErrorCode::kInvalidArgument,
          name + ": raw RGB image size " + std::to_string(width) + "x" + std::to_string(height) +
              " is empty; pass the real width and height");
  require(row_stride >= size_t(width) * 3, ErrorCode::kInvalidArgument,
          name + ": row stride " + std::to_string(row_stride) + " bytes is less than width * 3 = " +
              std::to_string(size_t(width) * 3) + "; pass the distance between rows in bytes");
  require(int64_t(width) * height <= max_pixels, ErrorCode::kInvalidArgument,
          name + ": raw RGB image " + std::to_string(width) + "x" + std::to_string(height) +
              " has more than the limit of " + std::to_string(max_pixels) + " pixels; downscale it first");
  RgbImage image = make_rgb_image(width, height, name);
  for (int y = 0; y < height; ++y) std::memcpy(image.row(y), rgb + size_t(y) * row_stride, image.row_bytes());
  return image;
}

}  // namespace lightvl::vision
