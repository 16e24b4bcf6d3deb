#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace lightvl::cpu {
// CPU kernel of ops::attention (arguments already checked there).
void attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
               Tensor& out);
}  // namespace lightvl::cpu
