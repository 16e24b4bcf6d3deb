// dtype conversions against independent references: bf16 is the top half of an f32; f16 values are
// recomputed from their bit fields with ldexp, and every f16 bit pattern round-trips.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/dtype.h"

namespace lightvl {
namespace {

double f16_reference(uint16_t h) {
  const int sign = (h >> 15) ? -1 : 1;
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  if (exponent == 0) return sign * std::ldexp(double(mantissa), -24);
  if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
  return sign * std::ldexp(double(1024 + mantissa), exponent - 25);
}

TEST(DType, F16ToF32MatchesBitFieldFormulaForEveryPattern) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const double expected = f16_reference(uint16_t(h));
    const float got = f16_to_f32(uint16_t(h));
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(got)) << h;
    } else {
      ASSERT_EQ(double(got), expected) << "pattern " << h;
    }
  }
}

TEST(DType, F16RoundTripsEveryNonNanPattern) {
  for (uint32_t h = 0; h < 65536; ++h) {
    if (std::isnan(f16_reference(uint16_t(h)))) continue;
    ASSERT_EQ(f32_to_f16(f16_to_f32(uint16_t(h))), uint16_t(h)) << "pattern " << h;
  }
}

TEST(DType, F32ToF16RoundsToNearestEven) {
  // 1 + 2^-11 is exactly halfway between 1 and the next f16 (1 + 2^-10): ties go to even (1.0).
  EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  // Slightly above halfway rounds up.
  EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), 0x3c01);
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00);        // rounds to infinity
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7bff);        // largest finite
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25)), 0x0000);  // halfway to it: ties to even (zero)
}

TEST(DType, Bf16IsTheHighHalfAndRoundsToNearestEven) {
  EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
  uint32_t bits = 0x3f808000;  // exactly halfway between 0x3f80 and 0x3f81: even stays
  float f;
  std::memcpy(&f, &bits, 4);
  EXPECT_EQ(f32_to_bf16(f), 0x3f80);
  bits = 0x3f818000;  // halfway between 0x3f81 and 0x3f82: rounds to the even 0x3f82
  std::memcpy(&f, &bits, 4);
  EXPECT_EQ(f32_to_bf16(f), 0x3f82);
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(NAN))));
}

TEST(DType, SafetensorsNames) {
  DType t;
  EXPECT_TRUE(dtype_from_safetensors("BF16", &t));
  EXPECT_EQ(t, DType::kBF16);
  EXPECT_FALSE(dtype_from_safetensors("F8_E4M3", &t));
  EXPECT_EQ(dtype_size(DType::kF16), 2u);
}

}  // namespace
}  // namespace lightvl
