// CUDA parity of the weight-only int8 linear (backends/cuda/linear_int8.cu) with the CPU int8 reference:
// both decode GEMV variants (K % 16 == 0 takes the 16-byte-load kernel, other K the byte kernel) and the
// prefill path (dequantised panels + cuBLAS), f32 and bf16 activations, K and N not powers of two.
// Tolerances: test::tolerance(act). f32: the GEMV sums in a different order; the panel path rounds
// scale·q to f32 (2^-24). bf16: one rounding of the output (GEMV), or of scale·q and the output (panels).
#include <gtest/gtest.h>

#include <tuple>

#include "gpu_test_util.h"
#include "ops/linear.h"
#include "ops/quantize.h"

namespace lightvl {
namespace {
using test::random_values;
using test::to_gpu;

using Int8Param = std::tuple<DType, int64_t>;  // activations, T
class CudaLinearInt8 : public test::CudaTestWithParam<Int8Param> {};

TEST_P(CudaLinearInt8, MatchesCpu) {
  const auto [act, t] = GetParam();
  struct Size { int64_t k, n; bool bias; };
  for (const Size s : {Size{520, 301, false}, Size{2064, 301, false}, Size{1040, 77, true}, Size{6144, 130, false}}) {
    const Tensor x = random_values({t, s.k}, 11, 1.0f, act);
    const ops::LinearWeight q = ops::quantize_int8(random_values({s.n, s.k}, 12, 0.05f, DType::kBF16));
    const Tensor b = random_values({s.n}, 13, 1.0f, DType::kBF16);
    Tensor want = Tensor::zeros(DType::kF32, {t, s.n});
    ops::linear(x, q, s.bias ? &b : nullptr, want);

    const ops::LinearWeight gq(ops::to_device(q, Device::kCuda), ops::to_device(q.scales, Device::kCuda));
    const Tensor gx = to_gpu(x, act);
    const Tensor gb = ops::to_device(b, Device::kCuda);
    Tensor got = ops::empty(act, {t, s.n}, Device::kCuda);
    ops::linear(gx, gq, s.bias ? &gb : nullptr, got);
    test::expect_parity(got, want,
                        "linear int8 " + test::name_of(act) + (s.bias ? " +bias " : " ") + std::to_string(t) + "x" +
                            std::to_string(s.k) + "x" + std::to_string(s.n),
                        act);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, CudaLinearInt8,
                         ::testing::Combine(::testing::Values(DType::kF32, DType::kBF16),
                                            ::testing::Values(int64_t(1), int64_t(3), int64_t(8), int64_t(64),
                                                              int64_t(300))),
                         [](const auto& info) {
                           return test::name_of(std::get<0>(info.param)) + "_T" +
                                  std::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace lightvl
