#include "ops/norm.h"

#include "backends/cpu/norm_cpu.h"
#include "backends/cuda/norm.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out) {
  expect_activation("rms_norm", "input", x, 2);
  expect_like("rms_norm", "output", out, x);
  expect_shape("rms_norm", "output", out, x.shape());
  expect_float_weight("rms_norm", weight);
  expect_device("rms_norm", "weight", weight, x.device());
  expect_shape("rms_norm", "weight", weight, {x.dim(1)});
  switch (x.device()) {
    case Device::kCpu: return cpu::rms_norm(x, weight, eps, out);
    case Device::kCuda: return cuda::rms_norm(x, weight, eps, out);
  }
}

void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out) {
  expect_activation("layer_norm", "input", x, 2);
  expect_like("layer_norm", "output", out, x);
  expect_shape("layer_norm", "output", out, x.shape());
  expect_float_weight("layer_norm", weight);
  expect_float_weight("layer_norm", bias);
  expect_device("layer_norm", "weight", weight, x.device());
  expect_device("layer_norm", "bias", bias, x.device());
  expect_shape("layer_norm", "weight", weight, {x.dim(1)});
  expect_shape("layer_norm", "bias", bias, {x.dim(1)});
  switch (x.device()) {
    case Device::kCpu: return cpu::layer_norm(x, weight, bias, eps, out);
    case Device::kCuda: return cuda::layer_norm(x, weight, bias, eps, out);
  }
}

}  // namespace lightvl::ops
