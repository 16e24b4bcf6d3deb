// Element-wise activations and gates used by the backbone and the vision tower. All tensors f32.
#pragma once

#include "core/tensor.h"

namespace lightvl::ops {

enum class GeluKind { kExact, kQuick };  // exact: x·Φ(x) (erf form); quick: x·sigmoid(1.702x)

// x ← x·sigmoid(x), in place, any shape.
void silu_inplace(Tensor& x);
// x ← gelu(x), in place, any shape.
void gelu_inplace(Tensor& x, GeluKind kind);
// out = silu(gate) ⊙ up (SwiGLU). All three the same shape; out may alias gate or up.
void swiglu(const Tensor& gate, const Tensor& up, Tensor& out);
// y ← y ⊙ sigmoid(gate_logits), in place. Same shapes.
void sigmoid_gate_inplace(Tensor& y, const Tensor& gate_logits);
// out = alpha·a + beta·b (the scaled residual of the postnorm decoder). Same shapes; out may alias a or b.
void scaled_add(float alpha, const Tensor& a, float beta, const Tensor& b, Tensor& out);

}  // namespace lightvl::ops
