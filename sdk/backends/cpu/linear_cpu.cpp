// CPU linear layer: out[T, N] = x[T, K] · w[N, K]ᵀ + bias, through OpenBLAS sgemm.
//
// f32 weights go straight to sgemm. f16/bf16 weights are widened to f32 one panel of rows at a time
// (kPanelBytes of f32 per panel, converted in parallel), and each panel is multiplied by sgemm into its
// slice of the output columns. This keeps the memory overhead bounded (no f32 copy of the whole
// checkpoint) at the cost of re-widening weights on every call; the CPU backend is the readable, exact
// reference, the CUDA backend is the fast one.
//
// int8 weights (weight-only quantisation, one f32 scale per output row) go the same way: a panel of int8
// rows is widened to f32 (exact: small integers), sgemm multiplies it by x with f32 accumulation, and
// each output column n is then multiplied by scales[n]. So out[t, n] = scales[n] · Σ_k x[t, k]·q[n, k]
// in f32, the definition itself; it equals an f32 linear with the dequantised weight scales[n]·q[n, k]
// up to f32 rounding.
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

void add_bias_rows(const Tensor* bias, int64_t t, int64_t n, float* ys) {
  if (!bias) return;
  std::vector<float> scratch;
  const float* b = weight_as_f32(*bias, scratch);
  for (int64_t i = 0; i < t; ++i) {
    for (int64_t j = 0; j < n; ++j) ys[i * n + j] += b[j];
  }
}

// Rows of panels of kPanelBytes f32 for rows of k elements (at least one row).
int64_t panel_rows_for(int64_t k) {
  return std::max<int64_t>(1, int64_t(kPanelBytes / (sizeof(float) * size_t(std::max<int64_t>(k, 1)))));
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
    const int64_t panel_rows = panel_rows_for(k);
    std::vector<float> panel(size_t(std::min(panel_rows, n) * k));
    for (int64_t r0 = 0; r0 < n; r0 += panel_rows) {
      const int64_t rows = std::min(panel_rows, n - r0);
      widen_rows(w, r0, rows, panel.data());
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(t), int(rows), int(k), 1.0f, xs, int(k),
                  panel.data(), int(k), 0.0f, ys + r0, int(n));
    }
  }
  add_bias_rows(bias, t, n, ys);
}

void linear_int8(const Tensor& x, const Tensor& q, const Tensor& scales, const Tensor* bias, Tensor& out) {
  const int64_t t = x.dim(0), k = x.dim(1), n = q.dim(0);
  const float* xs = x.data<float>();
  const float* s = scales.data<float>();
  float* ys = out.data<float>();
  if (t == 0 || n == 0) return;
  const int64_t panel_rows = panel_rows_for(k);
  std::vector<float> panel(size_t(std::min(panel_rows, n) * k));
  for (int64_t r0 = 0; r0 < n; r0 += panel_rows) {
    const int64_t rows = std::min(panel_rows, n - r0);
    const int8_t* src = q.data<int8_t>() + r0 * k;
#pragma omp parallel for schedule(static) if(worth_parallel(rows * k))
    for (int64_t i = 0; i < rows * k; ++i) panel[size_t(i)] = float(src[i]);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(t), int(rows), int(k), 1.0f, xs, int(k), panel.data(),
                int(k), 0.0f, ys + r0, int(n));
  }
  for (int64_t i = 0; i < t; ++i) {
    for (int64_t j = 0; j < n; ++j) ys[i * n + j] *= s[j];
  }
  add_bias_rows(bias, t, n, ys);
}

}  // namespace lightvl::cpu
