#include "ops/unfold_patches.h"

#include <cstring>

#include "backends/cuda/unfold_patches.h"
#include "ops/dispatch.h"

namespace lightvl::ops {
namespace {

// The CPU kernel: one memcpy per (patch, channel, patch row), p contiguous floats each.
void unfold_patches_cpu(const Tensor& pixels, int64_t patch, Tensor& out) {
  const int64_t tiles = pixels.dim(0), channels = pixels.dim(1), side = pixels.dim(2), grid = side / patch;
  const float* src = pixels.data<float>();
  float* dst = out.data<float>();
  for (int64_t t = 0; t < tiles; ++t) {
    for (int64_t py = 0; py < grid; ++py) {
      for (int64_t px = 0; px < grid; ++px) {
        float* row = dst + ((t * grid + py) * grid + px) * channels * patch * patch;
        for (int64_t c = 0; c < channels; ++c) {
          for (int64_t ky = 0; ky < patch; ++ky) {
            const float* line = src + ((t * channels + c) * side + py * patch + ky) * side + px * patch;
            std::memcpy(row + (c * patch + ky) * patch, line, size_t(patch) * sizeof(float));
          }
        }
      }
    }
  }
}

}  // namespace

void unfold_patches(const Tensor& pixels, int64_t patch, Tensor& out) {
  expect_f32("unfold_patches", "pixels", pixels, 4);
  expect_f32("unfold_patches", "output", out, 2);
  expect_like("unfold_patches", "output", out, pixels);
  const int64_t side = pixels.dim(2);
  require(patch > 0 && pixels.dim(3) == side && side % patch == 0, ErrorCode::kInternal,
          "unfold_patches: pixels " + shape_string(pixels.shape()) + " are not square tiles cut into " +
              std::to_string(patch) + "-pixel patches");
  const int64_t grid = side / patch;
  expect_shape("unfold_patches", "output", out, {pixels.dim(0) * grid * grid, pixels.dim(1) * patch * patch});
  switch (pixels.device()) {
    case Device::kCpu: return unfold_patches_cpu(pixels, patch, out);
    case Device::kCuda: return cuda::unfold_patches(pixels, patch, out);
  }
}

}  // namespace lightvl::ops
