#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::unfold_patches (arguments checked there): f32 pixels [T, C, S, S] into f32
// [T·(S/p)², C·p·p]. Asynchronous on the device stream.
void unfold_patches(const Tensor& pixels, int64_t patch, Tensor& out);
}  // namespace lightvl::cuda
