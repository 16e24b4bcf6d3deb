#include "ops/linear.h"

#include "backends/cpu/linear_cpu.h"
#include "backends/cuda/linear.h"
#include "ops/dispatch.h"

namespace lightvl::ops {
namespace {

// Shapes and devices common to float and int8 weights.
void check_operands(const Tensor& x, const Tensor& w, const Tensor* bias, const Tensor& out) {
  expect_activation("linear", "input", x, 2);
  expect_activation("linear", "output", out, 2);
  expect_like("linear", "output", out, x);
  expect_device("linear", "weight", w, x.device());
  require(w.rank() == 2 && w.dim(1) == x.dim(1), ErrorCode::kInternal,
          "linear: weight '" + w.name() + "' " + shape_string(w.shape()) + " does not match input " +
              shape_string(x.shape()));
  expect_shape("linear", "output", out, {x.dim(0), w.dim(0)});
  if (bias) {
    expect_float_weight("linear", *bias);
    expect_device("linear", "bias", *bias, x.device());
    expect_shape("linear", "bias", *bias, {w.dim(0)});
  }
}

}  // namespace

void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out) {
  expect_float_weight("linear", w);
  check_operands(x, w, bias, out);
  switch (x.device()) {
    case Device::kCpu: return cpu::linear(x, w, bias, out);
    case Device::kCuda: return cuda::linear(x, w, bias, out);
  }
}

void linear(const Tensor& x, const LinearWeight& w, const Tensor* bias, Tensor& out) {
  if (!w.quantized()) return linear(x, static_cast<const Tensor&>(w), bias, out);
  check_operands(x, w, bias, out);
  require(w.scales.dtype() == DType::kF32, ErrorCode::kInternal,
          "linear: scales of int8 weight '" + w.name() + "' must be f32, got " + dtype_name(w.scales.dtype()));
  expect_device("linear", "scales", w.scales, x.device());
  expect_shape("linear", "scales", w.scales, {w.dim(0)});
  switch (x.device()) {
    case Device::kCpu: return cpu::linear_int8(x, w, w.scales, bias, out);
    case Device::kCuda: return cuda::linear_int8(x, w, w.scales, bias, out);
  }
}

}  // namespace lightvl::ops
