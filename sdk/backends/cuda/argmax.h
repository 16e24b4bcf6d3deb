#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernel of ops::argmax_rows (x checked there): ids[r] = the argmax of row r of x [R, V] (f32 or
// bf16) with ops::argmax_rows' tie and NaN rules; `ids` has R entries and is filled on return (the call
// waits for the device).
void argmax_rows(const Tensor& x, std::vector<int32_t>& ids);
}  // namespace lightvl::cuda
