// Activations, gates, scaled residual add and partial RoPE against their formulas in double precision.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "op_test_util.h"
#include "ops/activation.h"
#include "ops/rope.h"

namespace lightvl {
namespace {
using test::max_relative_error;
using test::random_tensor;
using test::value;

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

TEST(Activation, SiluGeluAndGates) {
  Tensor x = random_tensor({4, 9}, 11, 3.0f);
  Tensor g = random_tensor({4, 9}, 12, 3.0f);
  std::vector<double> silu, gelu, quick, gated, swiglu, scaled;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double a = value(x, i), b = value(g, i);
    silu.push_back(a * sigmoid(a));
    gelu.push_back(0.5 * a * (1.0 + std::erf(a / std::sqrt(2.0))));
    quick.push_back(a * sigmoid(1.702 * a));
    gated.push_back(a * sigmoid(b));
    swiglu.push_back(b * sigmoid(b) * a);
    scaled.push_back(1.7 * a - 0.3 * b);
  }
  Tensor t = x.clone();
  ops::silu_inplace(t);
  EXPECT_LT(max_relative_error(t, silu, "silu"), 1e-6);
  t = x.clone();
  ops::gelu_inplace(t, ops::GeluKind::kExact);
  EXPECT_LT(max_relative_error(t, gelu, "gelu exact"), 1e-6);
  t = x.clone();
  ops::gelu_inplace(t, ops::GeluKind::kQuick);
  EXPECT_LT(max_relative_error(t, quick, "gelu quick"), 1e-6);
  t = x.clone();
  ops::sigmoid_gate_inplace(t, g);
  EXPECT_LT(max_relative_error(t, gated, "sigmoid gate"), 1e-6);
  Tensor out = Tensor::zeros(DType::kF32, x.shape());
  ops::swiglu(g, x, out);
  EXPECT_LT(max_relative_error(out, swiglu, "swiglu"), 1e-6);
  ops::scaled_add(1.7f, x, -0.3f, g, out);
  EXPECT_LT(max_relative_error(out, scaled, "scaled_add"), 1e-6);
}

TEST(Rope, RotatesOnlyTheLeadingDimsAsRotateHalf) {
  const int64_t tokens = 5, heads = 3, d = 16;
  const int rotary = 8;
  const double theta = 10000.0;
  Tensor x = random_tensor({tokens, heads, d}, 13);
  const std::vector<int64_t> positions = {0, 1, 7, 300, 4095};
  std::vector<double> expected(size_t(x.numel()));
  for (int64_t t = 0; t < tokens; ++t) {
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t base = (t * heads + h) * d;
      for (int64_t c = 0; c < d; ++c) expected[size_t(base + c)] = value(x, base + c);
      for (int i = 0; i < rotary / 2; ++i) {
        const double angle = double(positions[size_t(t)]) * std::pow(theta, -2.0 * i / rotary);
        const double a = value(x, base + i), b = value(x, base + i + rotary / 2);
        expected[size_t(base + i)] = a * std::cos(angle) - b * std::sin(angle);
        expected[size_t(base + i + rotary / 2)] = b * std::cos(angle) + a * std::sin(angle);
      }
    }
  }
  Tensor pass_through = x.clone();
  ops::rope_inplace(x, positions, rotary, theta);
  // f32 angle arithmetic (as the reference does) costs ~1e-4 at position 4095; elsewhere it is exact.
  EXPECT_LT(max_relative_error(x, expected, "rope"), 5e-4);
  for (int64_t t = 0; t < tokens; ++t) {
    for (int64_t h = 0; h < heads; ++h) {
      for (int64_t c = rotary; c < d; ++c) {
        const int64_t i = (t * heads + h) * d + c;
        ASSERT_EQ(x.data<float>()[i], pass_through.data<float>()[i]) << "dim " << c << " must pass through";
      }
    }
  }
}

}  // namespace
}  // namespace lightvl
