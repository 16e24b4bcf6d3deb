// CPU element-wise activations: plain loops over contiguous f32, parallelised with OpenMP.
#include "backends/cpu/activation_cpu.h"
#include "backends/cpu/parallel.h"

#include <cmath>

namespace lightvl::cpu {
namespace {
inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }
}  // namespace

void silu_inplace(Tensor& x) {
  float* p = x.data<float>();
  const int64_t n = x.numel();
#pragma omp parallel for schedule(static) if(worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) p[i] = p[i] * sigmoid(p[i]);
}

void gelu_inplace(Tensor& x, bool quick) {
  float* p = x.data<float>();
  const int64_t n = x.numel();
  if (quick) {
#pragma omp parallel for schedule(static) if(worth_parallel(n))
    for (int64_t i = 0; i < n; ++i) p[i] = p[i] * sigmoid(1.702f * p[i]);
  } else {
#pragma omp parallel for schedule(static) if(worth_parallel(n))
    for (int64_t i = 0; i < n; ++i) p[i] = 0.5f * p[i] * (1.0f + std::erf(p[i] * float(M_SQRT1_2)));
  }
}

void swiglu(const Tensor& gate, const Tensor& up, Tensor& out) {
  const float* g = gate.data<float>();
  const float* u = up.data<float>();
  float* o = out.data<float>();
  const int64_t n = gate.numel();
#pragma omp parallel for schedule(static) if(worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) o[i] = g[i] * sigmoid(g[i]) * u[i];
}

void sigmoid_gate_inplace(Tensor& y, const Tensor& gate_logits) {
  float* p = y.data<float>();
  const float* g = gate_logits.data<float>();
  const int64_t n = y.numel();
#pragma omp parallel for schedule(static) if(worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) p[i] *= sigmoid(g[i]);
}

void scaled_add(float alpha, const Tensor& a, float beta, const Tensor& b, Tensor& out) {
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  float* o = out.data<float>();
  const int64_t n = a.numel();
#pragma omp parallel for schedule(static) if(worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) o[i] = alpha * pa[i] + beta * pb[i];
}

}  // namespace lightvl::cpu
