#include "ops/norm.h"

#include "backends/cpu/norm_cpu.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out) {
  expect_f32("rms_norm", "input", x, 2);
  expect_shape("rms_norm", "output", out, x.shape());
  expect_float_weight("rms_norm", weight);
  expect_shape("rms_norm", "weight", weight, {x.dim(1)});
  switch (x.device()) {
    case Device::kCpu: return cpu::rms_norm(x, weight, eps, out);
    default: unsupported_device("rms_norm", x.device());
  }
}

void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out) {
  expect_f32("layer_norm", "input", x, 2);
  expect_shape("layer_norm", "output", out, x.shape());
  expect_float_weight("layer_norm", weight);
  expect_float_weight("layer_norm", bias);
  expect_shape("layer_norm", "weight", weight, {x.dim(1)});
  expect_shape("layer_norm", "bias", bias, {x.dim(1)});
  switch (x.device()) {
    case Device::kCpu: return cpu::layer_norm(x, weight, bias, eps, out);
    default: unsupported_device("layer_norm", x.device());
  }
}

}  // namespace lightvl::ops
