#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::embedding (ids validated there): out[t, :] = table[ids[t], :], table f32/f16/bf16,
// out f32 or bf16. Asynchronous on the device stream.
void embedding(const std::vector<int32_t>& ids, const Tensor& table, Tensor& out);
}  // namespace lightvl::cuda
