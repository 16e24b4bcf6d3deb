#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::cpu {
// CPU kernel of ops::rope_inplace (arguments already checked there).
void rope_inplace(Tensor& x, const std::vector<int64_t>& positions, int rotary_dim, double theta);
}  // namespace lightvl::cpu
