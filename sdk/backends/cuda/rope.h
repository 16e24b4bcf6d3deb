#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::rope_inplace (arguments checked there); x f32 or bf16 [T, heads, head_dim].
// Asynchronous on the device stream (the positions are staged by the driver before it returns).
void rope_inplace(Tensor& x, const std::vector<int64_t>& positions, int rotary_dim, double theta);
// The same with the positions already on the device (int64 [T]): nothing is uploaded, so the call can
// be recorded in a graph and replayed at the positions the tensor holds then.
void rope_inplace(Tensor& x, const Tensor& positions, int rotary_dim, double theta);
}  // namespace lightvl::cuda
