#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::rope_inplace (arguments checked there); x f32 or bf16 [T, heads, head_dim].
// Asynchronous on the device stream (the positions are staged by the driver before it returns).
void rope_inplace(Tensor& x, const std::vector<int64_t>& positions, int rotary_dim, double theta);
}  // namespace lightvl::cuda
