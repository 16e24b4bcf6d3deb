// Weight-only int8: the quantisation rule of ops/quantize.h (error ≤ scale/2 per element, zero rows,
// round-to-nearest-even, refusals) and the CPU int8 linear against an f32 linear over the dequantised
// weight (the same math, so a tight tolerance).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.h"
#include "ops/linear.h"
#include "ops/quantize.h"

namespace lightvl {
namespace {

Tensor random_matrix(int64_t rows, int64_t cols, uint32_t seed, float scale) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  Tensor t = Tensor::zeros(DType::kF32, {rows, cols}, "w");
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

TEST(QuantizeInt8, RoundTripErrorIsAtMostHalfAStep) {
  for (DType dtype : {DType::kF32, DType::kBF16, DType::kF16}) {
    const Tensor w32 = random_matrix(37, 301, 1, 0.05f);
    Tensor w = Tensor::zeros(dtype, w32.shape(), "w");
    for (int64_t i = 0; i < w.numel(); ++i) {
      const float v = w32.data<float>()[i];
      if (dtype == DType::kF32) w.data<float>()[i] = v;
      if (dtype == DType::kBF16) w.data<uint16_t>()[i] = f32_to_bf16(v);
      if (dtype == DType::kF16) w.data<uint16_t>()[i] = f32_to_f16(v);
    }
    std::vector<float> exact(size_t(w.numel()));
    convert_to_f32(dtype, w.raw(), exact.data(), exact.size());
    const ops::LinearWeight q = ops::quantize_int8(w);
    ASSERT_TRUE(q.quantized());
    ASSERT_EQ(q.shape(), w.shape());
    ASSERT_EQ(q.scales.shape(), Shape{37});
    const Tensor back = ops::dequantize_int8(q);
    double worst = 0;
    for (int64_t r = 0; r < 37; ++r) {
      float max_abs = 0;
      for (int64_t c = 0; c < 301; ++c) max_abs = std::max(max_abs, std::fabs(exact[size_t(r * 301 + c)]));
      const float s = q.scales.data<float>()[r];
      EXPECT_EQ(s, max_abs / 127.0f) << "row " << r;
      for (int64_t c = 0; c < 301; ++c) {
        const double err = std::abs(double(back.data<float>()[r * 301 + c]) - exact[size_t(r * 301 + c)]);
        // Half a step, plus the f32 roundings of w/scale and scale·q (a few ulps of |w|; halfway cases hit it).
        const double bound = 0.5 * s + std::ldexp(std::abs(double(exact[size_t(r * 301 + c)])), -21);
        EXPECT_LE(err, bound) << dtype_name(dtype) << " row " << r << " col " << c;
        worst = std::max(worst, err / s);
        EXPECT_LE(std::abs(q.data<int8_t>()[r * 301 + c]), 127);
      }
    }
    std::printf("[ figure ] int8 round trip from %s: worst error %.4f of a step (bound 0.5)\n", dtype_name(dtype), worst);
  }
}

TEST(QuantizeInt8, ZeroRowHasScaleZeroAndZeroWeights) {
  Tensor w = random_matrix(3, 16, 2, 1.0f);
  for (int64_t c = 0; c < 16; ++c) w.data<float>()[16 + c] = 0.0f;  // row 1 all zero
  const ops::LinearWeight q = ops::quantize_int8(w);
  EXPECT_EQ(q.scales.data<float>()[1], 0.0f);
  for (int64_t c = 0; c < 16; ++c) EXPECT_EQ(q.data<int8_t>()[16 + c], 0);
  const Tensor back = ops::dequantize_int8(q);
  for (int64_t c = 0; c < 16; ++c) EXPECT_EQ(back.data<float>()[16 + c], 0.0f);
}

TEST(QuantizeInt8, RoundsHalfwayToEvenAndKeepsTheRangeSymmetric) {
  // max |w| = 127 makes the scale exactly 1, so w/scale are the values themselves.
  const std::vector<float> row = {127.0f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 126.5f, -127.0f, 0.49f, 3.51f};
  const std::vector<int> want = {127, 0, 2, 2, 0, -2, -2, 126, -127, 0, 4};
  Tensor w = Tensor::zeros(DType::kF32, {1, int64_t(row.size())}, "w");
  std::copy(row.begin(), row.end(), w.data<float>());
  const ops::LinearWeight q = ops::quantize_int8(w);
  EXPECT_EQ(q.scales.data<float>()[0], 1.0f);
  for (size_t i = 0; i < row.size(); ++i) EXPECT_EQ(int(q.data<int8_t>()[i]), want[i]) << "value " << row[i];
}

TEST(QuantizeInt8, RefusesWhatItCannotQuantise) {
  Tensor bad = random_matrix(2, 4, 3, 1.0f);
  bad.data<float>()[5] = NAN;
  try {
    ops::quantize_int8(bad);
    FAIL() << "a NaN weight was quantised";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadModel);
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
  }
  const ops::LinearWeight q = ops::quantize_int8(random_matrix(2, 4, 4, 1.0f));
  EXPECT_THROW(ops::quantize_int8(q), Error);  // already int8
  EXPECT_THROW(ops::quantize_int8(Tensor::zeros(DType::kF32, {8})), Error);  // not a matrix
}

TEST(LinearInt8, CpuEqualsF32LinearOverTheDequantisedWeight) {
  struct Size { int64_t t, k, n; };
  for (const Size s : {Size{1, 96, 80}, Size{5, 520, 301}, Size{64, 333, 77}}) {
    const Tensor x = random_matrix(s.t, s.k, 5, 1.0f);
    const ops::LinearWeight q = ops::quantize_int8(random_matrix(s.n, s.k, 6, 0.05f));
    const Tensor dequantised = ops::dequantize_int8(q);
    Tensor bias = random_matrix(1, s.n, 7, 1.0f).reshaped({s.n});
    const Tensor* biases[] = {nullptr, &bias};
    for (const Tensor* b : biases) {
      Tensor got = Tensor::zeros(DType::kF32, {s.t, s.n});
      Tensor want = Tensor::zeros(DType::kF32, {s.t, s.n});
      ops::linear(x, q, b, got);
      ops::linear(x, dequantised, b, want);
      double max_err = 0, max_ref = 1;
      for (int64_t i = 0; i < got.numel(); ++i) {
        max_err = std::max(max_err, double(std::abs(got.data<float>()[i] - want.data<float>()[i])));
        max_ref = std::max(max_ref, double(std::abs(want.data<float>()[i])));
      }
      EXPECT_LE(max_err / max_ref, 1e-5) << s.t << "x" << s.k << "x" << s.n;
    }
  }
}

TEST(LinearInt8, FloatLinearWeightBehavesLikeItsTensor) {
  const Tensor x = random_matrix(3, 16, 8, 1.0f);
  const Tensor w = random_matrix(5, 16, 9, 0.1f);
  const ops::LinearWeight lw = w;
  EXPECT_FALSE(lw.quantized());
  Tensor a = Tensor::zeros(DType::kF32, {3, 5}), b = Tensor::zeros(DType::kF32, {3, 5});
  ops::linear(x, w, nullptr, a);
  ops::linear(x, lw, nullptr, b);
  for (int64_t i = 0; i < a.numel(); ++i) EXPECT_EQ(a.data<float>()[i], b.data<float>()[i]);
  // The int8 matrix without its scales is refused by the float path, never misread.
  const ops::LinearWeight q = ops::quantize_int8(w);
  EXPECT_THROW(ops::linear(x, static_cast<const Tensor&>(q), nullptr, a), Error);
}

}  // namespace
}  // namespace lightvl
