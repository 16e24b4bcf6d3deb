// CUDA parity of the element-wise activations and gates (SiLU, exact and quick GELU, SwiGLU, sigmoid
// gate, scaled add) and of partial RoPE at large positions, for f32 and bf16 activations.
#include <gtest/gtest.h>

#include <functional>

#include "gpu_test_util.h"
#include "ops/activation.h"
#include "ops/rope.h"

namespace lightvl {
namespace {
using test::expect_parity;
using test::random_values;
using test::to_gpu;

class CudaElementwise : public test::CudaTestWithParam<DType> {};

TEST_P(CudaElementwise, ActivationsAndGatesMatchCpu) {
  const DType act = GetParam();
  const Shape shape = {37, 1031};  // not a multiple of the block size
  const Tensor a = random_values(shape, 11, 3.0f, act);
  const Tensor b = random_values(shape, 12, 3.0f, act);
  const std::string suffix = std::string(" ") + test::name_of(act);

  // Unary, in place: run on a fresh copy on each device.
  const std::vector<std::pair<std::string, std::function<void(Tensor&)>>> unary = {
      {"silu", [](Tensor& x) { ops::silu_inplace(x); }},
      {"gelu exact", [](Tensor& x) { ops::gelu_inplace(x, ops::GeluKind::kExact); }},
      {"gelu quick", [](Tensor& x) { ops::gelu_inplace(x, ops::GeluKind::kQuick); }},
      {"sigmoid gate", [&](Tensor& x) {
         ops::sigmoid_gate_inplace(x, x.device() == Device::kCpu ? b : to_gpu(b, act));
       }},
  };
  for (const auto& [name, op] : unary) {
    Tensor want = a.clone();
    op(want);
    Tensor got = to_gpu(a, act);
    op(got);
    expect_parity(got, want, name + suffix, act);
  }

  Tensor want = Tensor::zeros(DType::kF32, shape);
  ops::swiglu(a, b, want);
  const Tensor ga = to_gpu(a, act), gb = to_gpu(b, act);
  Tensor got = ops::empty(act, shape, Device::kCuda);
  ops::swiglu(ga, gb, got);
  expect_parity(got, want, "swiglu" + suffix, act);

  const float alpha = 3.5565588f, beta = 1.0f;  // the decoder's residual coefficients
  ops::scaled_add(alpha, a, beta, b, want);
  Tensor in_place = to_gpu(a, act);
  ops::scaled_add(alpha, in_place, beta, gb, in_place);  // out aliases a
  expect_parity(in_place, want, "scaled_add" + suffix, act);
}

TEST_P(CudaElementwise, PartialRopeMatchesCpuAtLargePositions) {
  const DType act = GetParam();
  const int64_t heads = 8, head_dim = 128;
  const std::vector<int64_t> positions = {0, 1, 7, 1000, 65535, 500000, 999999};
  const Tensor x = random_values({int64_t(positions.size()), heads, head_dim}, 13, 1.0f, act);
  Tensor want = x.clone();
  ops::rope_inplace(want, positions, 64, 1e7);
  Tensor got = to_gpu(x, act);
  ops::rope_inplace(got, positions, 64, 1e7);
  expect_parity(got, want, "rope rotary 64/128 theta 1e7" + std::string(" ") + test::name_of(act), act);

  Tensor want_full = x.clone();
  ops::rope_inplace(want_full, positions, 128, 10000.0);
  Tensor got_full = to_gpu(x, act);
  ops::rope_inplace(got_full, positions, 128, 10000.0);
  expect_parity(got_full, want_full, "rope rotary 128/128 theta 1e4" + std::string(" ") + test::name_of(act), act);
}

INSTANTIATE_TEST_SUITE_P(Types, CudaElementwise, ::testing::Values(DType::kF32, DType::kBF16),
                         [](const auto& info) { return test::name_of(info.param); });

}  // namespace
}  // namespace lightvl
