// CPU RMSNorm and LayerNorm, one row per OpenMP iteration.
// Statistics are accumulated in double so the f32 result does not depend on the row length's rounding
// (the references compute in f32 with pairwise sums; double accumulation is at least as accurate).
#include "backends/cpu/norm_cpu.h"
#include "backends/cpu/parallel.h"

#include <cmath>
#include <vector>

#include "backends/cpu/weight_f32.h"

namespace lightvl::cpu {

void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out) {
  const int64_t rows = x.dim(0), cols = x.dim(1);
  std::vector<float> scratch;
  const float* w = weight_as_f32(weight, scratch);
  const float* xs = x.data<float>();
  float* ys = out.data<float>();
#pragma omp parallel for schedule(static) if(worth_parallel(rows * cols))
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = xs + r * cols;
    double sum_sq = 0.0;
    for (int64_t c = 0; c < cols; ++c) sum_sq += double(xr[c]) * xr[c];
    const float inv = float(1.0 / std::sqrt(sum_sq / double(cols) + double(eps)));
    float* yr = ys + r * cols;
    for (int64_t c = 0; c < cols; ++c) yr[c] = xr[c] * inv * w[c];
  }
}

void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out) {
  const int64_t rows = x.dim(0), cols = x.dim(1);
  std::vector<float> w_scratch, b_scratch;
  const float* w = weight_as_f32(weight, w_scratch);
  const float* b = weight_as_f32(bias, b_scratch);
  const float* xs = x.data<float>();
  float* ys = out.data<float>();
#pragma omp parallel for schedule(static) if(worth_parallel(rows * cols))
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = xs + r * cols;
    double sum = 0.0;
    for (int64_t c = 0; c < cols; ++c) sum += xr[c];
    const double mean = sum / double(cols);
    double var = 0.0;
    for (int64_t c = 0; c < cols; ++c) var += (xr[c] - mean) * (xr[c] - mean);
    const double inv = 1.0 / std::sqrt(var / double(cols) + double(eps));
    float* yr = ys + r * cols;
    for (int64_t c = 0; c < cols; ++c) yr[c] = float((xr[c] - mean) * inv) * w[c] + b[c];
  }
}

}  // namespace lightvl::cpu
