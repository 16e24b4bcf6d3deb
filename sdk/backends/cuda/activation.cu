// CUDA element-wise activations and gates: one grid-stride kernel, out[i] = f(a[i], b[i]), with the
// function a small functor (SiLU, exact/quick GELU, SwiGLU, sigmoid gate, scaled add).
//
// Each element is loaded as f32, computed with the same formula as the CPU kernels (expf/erff, no fast
// math) and rounded once to the tensor's dtype. Reads of element i precede its write by the same thread,
// so outputs may alias inputs. Limits: none beyond memory (64-bit indices).
#include "backends/cuda/activation.h"

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {
namespace {

__device__ __forceinline__ float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

struct Silu {
  __device__ float operator()(float a, float) const { return a * sigmoid(a); }
};
struct GeluExact {
  __device__ float operator()(float a, float) const { return 0.5f * a * (1.0f + erff(a * 0.70710678118654752f)); }
};
struct GeluQuick {
  __device__ float operator()(float a, float) const { return a * sigmoid(1.702f * a); }
};
struct SwiGlu {  // a = gate, b = up
  __device__ float operator()(float a, float b) const { return a * sigmoid(a) * b; }
};
struct SigmoidGate {  // a = y, b = gate logits
  __device__ float operator()(float a, float b) const { return a * sigmoid(b); }
};
struct ScaledAdd {
  float alpha, beta;
  __device__ float operator()(float a, float b) const { return alpha * a + beta * b; }
};

// out[i] = f(a[i], b[i]); b may be null for unary functions.
template <typename T, typename F>
__global__ void map_kernel(const T* a, const T* b, T* out, int64_t n, F f) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    out[i] = from_float<T>(f(to_float(a[i]), b ? to_float(b[i]) : 0.0f));
  }
}

template <typename F>
void map(const char* op, const Tensor& a, const Tensor* b, Tensor& out, F f) {
  const int64_t n = a.numel();
  if (n == 0) return;
  const cudaStream_t stream = current_context().stream;
  with_activation_type(a.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    map_kernel<T, F><<<grid_for(n), kThreads, 0, stream>>>(elements<T>(a), b ? elements<T>(*b) : nullptr,
                                                          elements<T>(out), n, f);
    check_launch();
  });
}

}  // namespace

void silu_inplace(Tensor& x) { map("silu", x, nullptr, x, Silu{}); }

void gelu_inplace(Tensor& x, bool quick) {
  if (quick) {
    map("gelu", x, nullptr, x, GeluQuick{});
  } else {
    map("gelu", x, nullptr, x, GeluExact{});
  }
}

void swiglu(const Tensor& gate, const Tensor& up, Tensor& out) { map("swiglu", gate, &up, out, SwiGlu{}); }

void sigmoid_gate_inplace(Tensor& y, const Tensor& gate_logits) {
  map("sigmoid_gate", y, &gate_logits, y, SigmoidGate{});
}

void scaled_add(float alpha, const Tensor& a, float beta, const Tensor& b, Tensor& out) {
  map("scaled_add", a, &b, out, ScaledAdd{alpha, beta});
}

}  // namespace lightvl::cuda
