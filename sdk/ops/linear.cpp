#include "ops/linear.h"

#include "backends/cpu/linear_cpu.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out) {
  expect_f32("linear", "input", x, 2);
  expect_f32("linear", "output", out, 2);
  expect_float_weight("linear", w);
  require(w.rank() == 2 && w.dim(1) == x.dim(1), ErrorCode::kInternal,
          "linear: weight '" + w.name() + "' " + shape_string(w.shape()) + " does not match input " +
              shape_string(x.shape()));
  expect_shape("linear", "output", out, {x.dim(0), w.dim(0)});
  if (bias) {
    expect_float_weight("linear", *bias);
    expect_shape("linear", "bias", *bias, {w.dim(0)});
  }
  switch (x.device()) {
    case Device::kCpu: return cpu::linear(x, w, bias, out);
    default: unsupported_device("linear", x.device());
  }
}

}  // namespace lightvl::ops
