// Helpers for the CUDA parity tests: skipping without a GPU, seeded inputs that are exactly
// representable in the dtype under test, host↔device staging, and the error figure each comparison
// prints. The CPU backend is the reference: a test runs the op on the CPU in f32 and on CUDA in the
// dtype under test, on the same numbers, and compares.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <random>
#include <string>

#include "core/tensor.h"
#include "ops/device_memory.h"
#include "ops/devices.h"

namespace lightvl {
// Prints a DType by name in test parameters (GoogleTest finds it by argument-dependent lookup).
inline void PrintTo(DType t, std::ostream* os) { *os << dtype_name(t); }
}  // namespace lightvl

namespace lightvl::test {

inline bool have_gpu() {
  static const bool any = !ops::gpu_devices().empty();
  return any;
}

// Test fixture bases that skip, and say why, on a machine without a CUDA device.
class CudaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_gpu()) GTEST_SKIP() << "no CUDA device on this machine";
  }
};
template <typename Param>
class CudaTestWithParam : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    if (!have_gpu()) GTEST_SKIP() << "no CUDA device on this machine";
  }
};

// Parity tolerance on max|cuda − cpu| / max(1, max|cpu|) for outputs of `dtype`. f32: both backends
// compute in f32 and differ only in summation order. bf16: the CUDA output is rounded to bf16 (up to
// 2^-8 relative per rounding; some ops round twice, e.g. a product then its bias), so 1e-2 allows about
// 2.5 roundings at the largest magnitude and nothing more.
inline double tolerance(DType dtype) { return dtype == DType::kBF16 ? 1e-2 : 1e-5; }

// Host f32 tensor of N(0, scale²) values rounded through `dtype`, so that the f32 CPU reference and the
// CUDA op in `dtype` see exactly the same numbers.
inline Tensor random_values(Shape shape, uint32_t seed, float scale, DType dtype) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  Tensor t = Tensor::zeros(DType::kF32, std::move(shape));
  for (int64_t i = 0; i < t.numel(); ++i) {
    float v = dist(rng);
    if (dtype == DType::kBF16) v = bf16_to_f32(f32_to_bf16(v));
    if (dtype == DType::kF16) v = f16_to_f32(f32_to_f16(v));
    t.data<float>()[i] = v;
  }
  return t;
}

// A CUDA copy of the host tensor `host` (any float dtype), stored as `dtype`.
inline Tensor to_gpu(const Tensor& host, DType dtype) {
  Tensor typed = Tensor::zeros(dtype, host.shape());
  ops::convert(host, typed);
  return ops::to_device(typed, Device::kCuda);
}

// A host f32 copy of a CUDA tensor of any float dtype (waits for the device).
inline Tensor to_host_f32(const Tensor& device_tensor) {
  Tensor host = ops::to_device(device_tensor, Device::kCpu);
  Tensor wide = Tensor::zeros(DType::kF32, host.shape());
  ops::convert(host, wide);
  return wide;
}

// max|got − want| / max(1, max|want|) for a CUDA tensor `got` against the host f32 reference `want`;
// prints "[ figure ] what: max abs err …, relative …" with the tolerance it is held to.
inline double parity_error(const Tensor& got, const Tensor& want, const std::string& what, double tol) {
  const Tensor host = to_host_f32(got);
  EXPECT_EQ(host.numel(), want.numel()) << what;
  double max_err = 0.0, max_ref = 1.0;
  for (int64_t i = 0; i < std::min(host.numel(), want.numel()); ++i) {
    const double w = want.data<float>()[i], g = host.data<float>()[i];
    max_err = std::max(max_err, std::isfinite(g) ? std::abs(g - w) : INFINITY);
    max_ref = std::max(max_ref, std::abs(w));
  }
  const double rel = max_err / max_ref;
  std::printf("[ figure ] %s: max abs err %.3g, relative %.3g (tolerance %.0e)\n", what.c_str(), max_err, rel, tol);
  return rel;
}

// The parity check of one output: the error figure against tolerance(dtype).
inline void expect_parity(const Tensor& got, const Tensor& want, const std::string& what, DType dtype) {
  const double tol = tolerance(dtype);
  EXPECT_LE(parity_error(got, want, what, tol), tol) << what;
}

// "f32", "bf16", ... for test names.
inline std::string name_of(DType t) { return dtype_name(t); }

}  // namespace lightvl::test
