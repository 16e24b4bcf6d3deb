// Patch unfolding (im2col) for a p×p stride-p convolution, the ViT's patch embedding: after it the
// convolution is one matrix product with the weight viewed as [out channels, C·p·p].
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace lightvl::ops {

// out[(t·g + py)·g + px, (c·p + ky)·p + kx] = pixels[t, c, py·p + ky, px·p + kx], g = S / p: row
// (tile, patch row, patch column) holds that patch's values ordered (channel, ky, kx), matching the
// flattening of a [out, C, p, p] convolution weight. pixels: [T, C, S, S] f32 with S a multiple of p;
// out: [T·g², C·p·p] f32 on the same device (an exact copy, no arithmetic). Asynchronous on CUDA.
// Throws Error(kInternal) on a shape, dtype or device mismatch. Thread-safe for distinct outputs.
void unfold_patches(const Tensor& pixels, int64_t patch, Tensor& out);

}  // namespace lightvl::ops
