#pragma once
#include "core/tensor.h"

namespace lightvl::cpu {
// CPU kernel of ops::linear (shapes already checked there).
void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out);
}  // namespace lightvl::cpu
