// Helpers for op tests: seeded random tensors and max-error comparisons against naive references.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/tensor.h"

namespace lightvl::test {

inline Tensor random_tensor(Shape shape, uint32_t seed, float scale = 1.0f, DType dtype = DType::kF32) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  Tensor t = Tensor::zeros(dtype, std::move(shape));
  for (int64_t i = 0; i < t.numel(); ++i) {
    const float v = dist(rng);
    if (dtype == DType::kF32) t.data<float>()[i] = v;
    if (dtype == DType::kBF16) t.data<uint16_t>()[i] = f32_to_bf16(v);
    if (dtype == DType::kF16) t.data<uint16_t>()[i] = f32_to_f16(v);
  }
  return t;
}

// Element i of a float tensor of any float dtype, as double.
inline double value(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kBF16: return bf16_to_f32(t.data<uint16_t>()[i]);
    case DType::kF16: return f16_to_f32(t.data<uint16_t>()[i]);
    default: return t.data<float>()[i];
  }
}

// Max |got − expected| relative to max(1, max |expected|); printed so the figure is visible in logs.
inline double max_relative_error(const Tensor& got, const std::vector<double>& expected, const char* what) {
  double max_err = 0.0, max_ref = 1.0;
  for (size_t i = 0; i < expected.size(); ++i) {
    max_err = std::max(max_err, std::abs(double(got.data<float>()[i]) - expected[i]));
    max_ref = std::max(max_ref, std::abs(expected[i]));
  }
  const double rel = max_err / max_ref;
  std::printf("[ figure ] %s: max abs err %.3g, relative %.3g\n", what, max_err, rel);
  return rel;
}

// Softmax attention in double, the spec's definition written out: query t of head h (KV head
// h / (Hq / Hkv)) sees keys 0 .. past + t when causal, all keys otherwise.
inline std::vector<double> naive_attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal,
                                           double scale) {
  const int64_t tokens = q.dim(0), hq = q.dim(1), d = q.dim(2), keys = k.dim(0), hkv = k.dim(1);
  std::vector<double> out(size_t(q.numel()), 0.0);
  for (int64_t t = 0; t < tokens; ++t) {
    for (int64_t h = 0; h < hq; ++h) {
      const int64_t g = h / (hq / hkv);
      const int64_t visible = causal ? past + t + 1 : keys;
      std::vector<double> s(static_cast<size_t>(visible));
      double mx = -1e300, total = 0.0;
      for (int64_t j = 0; j < visible; ++j) {
        double dot = 0;
        for (int64_t c = 0; c < d; ++c) dot += value(q, (t * hq + h) * d + c) * value(k, (j * hkv + g) * d + c);
        s[size_t(j)] = dot * scale;
        mx = std::max(mx, s[size_t(j)]);
      }
      for (double& x : s) total += (x = std::exp(x - mx));
      for (int64_t j = 0; j < visible; ++j) {
        for (int64_t c = 0; c < d; ++c) {
          out[size_t((t * hq + h) * d + c)] += s[size_t(j)] / total * value(v, (j * hkv + g) * d + c);
        }
      }
    }
  }
  return out;
}

}  // namespace lightvl::test
