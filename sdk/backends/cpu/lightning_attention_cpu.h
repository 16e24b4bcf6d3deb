#pragma once
#include <vector>

#include "core/tensor.h"

namespace lightvl::cpu {
// CPU kernel of ops::lightning_attention (arguments already checked there).
void lightning_attention(const Tensor& q, const Tensor& k, const Tensor& v, const std::vector<float>& decay_rates,
                         int block_size, Tensor& state, Tensor& out);
}  // namespace lightvl::cpu
