// CPU linear layer: out[T, N] = x[T, K] · w[N, K]ᵀ + bias, through OpenBLAS sgemm.
//
// f32 weights go straight to sgemm. f16/bf16 weights are widened to f32 one panel of rows at a time
// (kPanelBytes of f32 per panel, converted in parallel), and each panel is multiplied by sgemm into its
// slice of the output columns. This keeps the memory overhead bounded (no f32 copy of the whole
// checkpoint) at the cost of re-widening weights on every call; the CPU backend is the readable, exact
// reference, the CUDA backend is the fast one.
#include "backends/cpu/linear_cpu.h"
#include "backends/cpu/parallel.h"

#include <cblas.h>

#include <algorithm>
#include <vector>

#include "backends/cpu/weight_f32.h"

namespace lightvl::cpu {
namespace {

constexpr size_t kPanelBytes = size_t(4) << 20;

void widen_rows(const Tensor& w, int64_t row_begin, int64_t rows, float* dst) {
  const int64_t k = w.dim(1);
  const size_t elem = dtype_size(w.dtype());
  const char* src = static_cast<const char*>(w.raw()) + size_t(row_begin * k) * elem;
#pragma omp parallel for schedule(static) if(worth_parallel(rows * k))
  for (int64_t r = 0; r < rows; ++r) {
    convert_to_f32(w.dtype(), src + size_t(r * k) * elem, dst + r * k, size_t(k));
  }
}

}  // namespace

void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out) {
  const int64_t t = x.dim(0), k = x.dim(1), n = w.dim(0);
  const float* xs = x.data<float>();
  float* ys = out.data<float>();
  if (t == 0 || n == 0) return;
  if (w.dtype() == DType::kF32) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(t), int(n), int(k), 1.0f, xs, int(k),
                w.data<float>(), int(k), 0.0f, ys, int(n));
  } else {
    const int64_t panel_rows = std::max<int64_t>(1, int64_t(kPanelBytes / (sizeof(float) * size_t(std::max<int64_t>(k, 1)))));
    std::vector<float> panel(size_t(std::min(panel_rows, n) * k));
    for (int64_t r0 = 0; r0 < n; r0 += panel_rows) {
      const int64_t rows = std::min(panel_rows, n - r0);
      widen_rows(w, r0, rows, panel.data());
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(t), int(rows), int(k), 1.0f, xs, int(k),
                  panel.data(), int(k), 0.0f, ys + r0, int(n));
    }
  }
  if (bias) {
    std::vector<float> scratch;
    const float* b = weight_as_f32(*bias, scratch);
    for (int64_t i = 0; i < t; ++i) {
      for (int64_t j = 0; j < n; ++j) ys[i * n + j] += b[j];
    }
  }
}

}  // namespace lightvl::cpu
