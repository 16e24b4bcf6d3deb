#include "ops/activation.h"

#include "backends/cpu/activation_cpu.h"
#include "ops/dispatch.h"

namespace lightvl::ops {
namespace {
void expect_same(const char* op, const Tensor& a, const Tensor& b) {
  require(a.dtype() == DType::kF32 && b.dtype() == DType::kF32, ErrorCode::kInternal,
          std::string(op) + ": tensors must be f32");
  expect_shape(op, "second operand", b, a.shape());
}
}  // namespace

void silu_inplace(Tensor& x) {
  expect_same("silu", x, x);
  if (x.device() != Device::kCpu) unsupported_device("silu", x.device());
  cpu::silu_inplace(x);
}

void gelu_inplace(Tensor& x, GeluKind kind) {
  expect_same("gelu", x, x);
  if (x.device() != Device::kCpu) unsupported_device("gelu", x.device());
  cpu::gelu_inplace(x, kind == GeluKind::kQuick);
}

void swiglu(const Tensor& gate, const Tensor& up, Tensor& out) {
  expect_same("swiglu", gate, up);
  expect_same("swiglu", gate, out);
  if (gate.device() != Device::kCpu) unsupported_device("swiglu", gate.device());
  cpu::swiglu(gate, up, out);
}

void sigmoid_gate_inplace(Tensor& y, const Tensor& gate_logits) {
  expect_same("sigmoid_gate", y, gate_logits);
  if (y.device() != Device::kCpu) unsupported_device("sigmoid_gate", y.device());
  cpu::sigmoid_gate_inplace(y, gate_logits);
}

void scaled_add(float alpha, const Tensor& a, float beta, const Tensor& b, Tensor& out) {
  expect_same("scaled_add", a, b);
  expect_same("scaled_add", a, out);
  if (a.device() != Device::kCpu) unsupported_device("scaled_add", a.device());
  cpu::scaled_add(alpha, a, beta, b, out);
}

}  // namespace lightvl::ops
