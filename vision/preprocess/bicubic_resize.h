// Bicubic resize that reproduces Pillow's Image.resize(size, Image.BICUBIC) bit for bit on 8-bit RGB.
//
// The reference processor resizes with Pillow, and the ViT sees the uint8 result, so "close" is not
// enough: the uint8 output must be identical. bicubic_resize.cpp restates Pillow's algorithm (see there).
#pragma once

#include "vision/image/rgb_image.h"

namespace lightvl::vision {

// Returns `src` resized to out_width x out_height (aspect not kept; the caller chooses the size).
// Same size returns a copy, as Pillow does. Throws Error(kInvalidArgument) for an empty source or a
// non-positive output size, Error(kOutOfMemory) if the output cannot be allocated. Thread-safe.
RgbImage resize_bicubic(const RgbImage& src, int out_width, int out_height);

}  // namespace lightvl::vision
