#pragma once
#include "core/tensor.h"

namespace lightvl::cpu {
// CPU kernels of the ops in ops/activation.h (shapes already checked there).
void silu_inplace(Tensor& x);
void gelu_inplace(Tensor& x, bool quick);
void swiglu(const Tensor& gate, const Tensor& up, Tensor& out);
void sigmoid_gate_inplace(Tensor& y, const Tensor& gate_logits);
void scaled_add(float alpha, const Tensor& a, float beta, const Tensor& b, Tensor& out);
}  // namespace lightvl::cpu
