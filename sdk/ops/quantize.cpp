// Host quantisation of linear weights to int8 (see quantize.h for the exact rule). Load-time work, run
// once per matrix: rows are independent, so they are split across OpenMP threads.
#include "ops/quantize.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"

namespace lightvl::ops {

LinearWeight quantize_int8(const Tensor& w) {
  require(w.device() == Device::kCpu, ErrorCode::kInternal,
          "quantize_int8: weight '" + w.name() + "' must be on the host; quantisation runs there once at load");
  require(is_float_weight(w.dtype()) && w.rank() == 2, ErrorCode::kUnsupported,
          "int8 quantisation needs an f32, f16 or bf16 matrix, but weight '" + w.name() + "' is " +
              dtype_name(w.dtype()) + " " + shape_string(w.shape()) + "; load the model with its checkpoint weights");
  const int64_t n = w.dim(0), k = w.dim(1);
  Tensor q = Tensor::zeros(DType::kI8, {n, k}, w.name());
  Tensor scales = Tensor::zeros(DType::kF32, {n}, w.name() + ".scales");
  const size_t elem = dtype_size(w.dtype());
  const char* src = static_cast<const char*>(w.raw());
  int64_t bad_row = -1;
#pragma omp parallel
  {
    std::vector<float> row(static_cast<size_t>(k));
#pragma omp for schedule(static)
    for (int64_t r = 0; r < n; ++r) {
      convert_to_f32(w.dtype(), src + size_t(r * k) * elem, row.data(), size_t(k));
      float max_abs = 0.0f;
      bool finite = true;
      for (float v : row) {
        finite = finite && std::isfinite(v);
        max_abs = std::max(max_abs, std::fabs(v));
      }
      if (!finite) {
#pragma omp critical
        bad_row = bad_row < 0 ? r : std::min(bad_row, r);
        continue;
      }
      const float scale = max_abs / 127.0f;
      scales.data<float>()[r] = scale;
      int8_t* out = q.data<int8_t>() + r * k;
      if (scale == 0.0f) continue;  // an all-zero row (or one of subnormals that scale to 0): q stays 0
      for (int64_t c = 0; c < k; ++c) {
        const float v = std::nearbyint(row[size_t(c)] / scale);  // default rounding mode: nearest even
        out[c] = int8_t(std::min(127.0f, std::max(-127.0f, v)));
      }
    }
  }
  require(bad_row < 0, ErrorCode::kBadModel,
          "weight '" + w.name() + "' has a non-finite value in row " + std::to_string(bad_row) +
              "; int8 quantisation needs finite weights (the checkpoint may be damaged)");
  return LinearWeight(std::move(q), std::move(scales));
}

Tensor dequantize_int8(const LinearWeight& w) {
  require(w.quantized() && w.device() == Device::kCpu && w.rank() == 2, ErrorCode::kInternal,
          "dequantize_int8: '" + w.name() + "' is not an int8 weight on the host");
  const int64_t n = w.dim(0), k = w.dim(1);
  Tensor out = Tensor::zeros(DType::kF32, {n, k}, w.name());
  for (int64_t r = 0; r < n; ++r) {
    const float s = w.scales.data<float>()[r];
    for (int64_t c = 0; c < k; ++c) out.data<float>()[r * k + c] = s * float(w.data<int8_t>()[r * k + c]);
  }
  return out;
}

}  // namespace lightvl::ops
