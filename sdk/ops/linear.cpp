#include "ops/linear.h"

#include "backends/cpu/linear_cpu.h"
#include "backends/cuda/linear.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out) {
  expect_activation("linear", "input", x, 2);
  expect_activation("linear", "output", out, 2);
  expect_like("linear", "output", out, x);
  expect_float_weight("linear", w);
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
  switch (x.device()) {
    case Device::kCpu: return cpu::linear(x, w, bias, out);
    case Device::kCuda: return cuda::linear(x, w, bias, out);
  }
}

}  // namespace lightvl::ops
