#include "ops/activation.h"

#include "backends/cpu/activation_cpu.h"
#include "backends/cuda/activation.h"
#include "ops/dispatch.h"

namespace lightvl::ops {
namespace {
// Both operands are activations of one device and dtype, with the same shape.
void expect_same(const char* op, const Tensor& a, const Tensor& b) {
  expect_activation(op, "first operand", a, a.rank());
  expect_like(op, "second operand", b, a);
  expect_shape(op, "second operand", b, a.shape());
}
}  // namespace

void silu_inplace(Tensor& x) {
  expect_same("silu", x, x);
  switch (x.device()) {
    case Device::kCpu: return cpu::silu_inplace(x);
    case Device::kCuda: return cuda::silu_inplace(x);
  }
}

void gelu_inplace(Tensor& x, GeluKind kind) {
  expect_same("gelu", x, x);
  switch (x.device()) {
    case Device::kCpu: return cpu::gelu_inplace(x, kind == GeluKind::kQuick);
    case Device::kCuda: return cuda::gelu_inplace(x, kind == GeluKind::kQuick);
  }
}

void swiglu(const Tensor& gate, const Tensor& up, Tensor& out) {
  expect_same("swiglu", gate, up);
  expect_same("swiglu", gate, out);
  switch (gate.device()) {
    case Device::kCpu: return cpu::swiglu(gate, up, out);
    case Device::kCuda: return cuda::swiglu(gate, up, out);
  }
}

void sigmoid_gate_inplace(Tensor& y, const Tensor& gate_logits) {
  expect_same("sigmoid_gate", y, gate_logits);
  switch (y.device()) {
    case Device::kCpu: return cpu::sigmoid_gate_inplace(y, gate_logits);
    case Device::kCuda: return cuda::sigmoid_gate_inplace(y, gate_logits);
  }
}

void scaled_add(float alpha, const Tensor& a, float beta, const Tensor& b, Tensor& out) {
  expect_same("scaled_add", a, b);
  expect_same("scaled_add", a, out);
  switch (a.device()) {
    case Device::kCpu: return cpu::scaled_add(alpha, a, beta, b, out);
    case Device::kCuda: return cuda::scaled_add(alpha, a, beta, b, out);
  }
}

}  // namespace lightvl::ops
