#pragma once
#include "core/tensor.h"

namespace lightvl::cuda {
// CUDA kernels of the ops in ops/activation.h (shapes checked there). Tensors f32 or bf16, all of one
// dtype; outputs may alias inputs. Asynchronous on the device stream.
void silu_inplace(Tensor& x);
void gelu_inplace(Tensor& x, bool quick);
void swiglu(const Tensor& gate, const Tensor& up, Tensor& out);
void sigmoid_gate_inplace(Tensor& y, const Tensor& gate_logits);
void scaled_add(float alpha, const Tensor& a, float beta, const Tensor& b, Tensor& out);
}  // namespace lightvl::cuda
