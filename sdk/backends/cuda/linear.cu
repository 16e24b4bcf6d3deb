// CUDA linear layer: out[T, N] = x[T, K] · w[N, K]ᵀ + bias[N], through cuBLAS.
//
// One bf16 token against a bf16 weight (decode) runs the GEMV of gemv_bf16.cu. Otherwise, when the
// activations and the weight share a dtype (f32·f32 or bf16·bf16, the model's own case) one
// cublasGemmEx call computes the product with f32 accumulation and writes out in its dtype. Any other
// pairing (f32 activations with bf16/f16 weights, bf16 activations with f16/f32 weights) is computed
// exactly in f32: the activations are widened once, the weight is widened one panel of rows at a time
// (kPanelElements f32, bounded scratch whatever the weight size) and each panel fills its slice of the
// output columns; the f32 result is rounded to out's dtype at the end. The bias is added by a row-wise
// kernel after the product (f32 add, one rounding to out's dtype).
// Limits: T, N, K < 2^31 (cuBLAS's 32-bit dimensions). Mixed pairings re-widen weights on every call:
// correct, not fast.
#include "backends/cuda/linear.h"

#include <algorithm>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/gemm.h"
#include "backends/cuda/gemv_bf16.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

constexpr int64_t kPanelElements = int64_t(16) << 20;  // 64 MiB of f32 weight per panel

template <typename O, typename B>
__global__ void add_bias_kernel(O* out, const B* bias, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    out[i] = from_float<O>(to_float(out[i]) + to_float(bias[i % cols]));
  }
}

}  // namespace

void add_bias(Tensor& out, const Tensor& bias) {
  const int64_t rows = out.dim(0), cols = out.dim(1);
  const cudaStream_t stream = current_context().stream;
  with_activation_type(out.dtype(), "linear", [&](auto out_tag) {
    using O = decltype(out_tag);
    with_float_type(bias.dtype(), "linear bias", [&](auto bias_tag) {
      using B = decltype(bias_tag);
      add_bias_kernel<O, B><<<grid_for(rows * cols), kThreads, 0, stream>>>(elements<O>(out), elements<B>(bias),
                                                                            rows, cols);
      check_launch();
    });
  });
}

namespace {

// out (f32) = x (f32) · wᵀ with w widened to f32 panel by panel.
void linear_f32_by_panels(const Tensor& x, const Tensor& w, Tensor& out) {
  const int64_t t = x.dim(0), k = x.dim(1), n = w.dim(0);
  const int64_t panel_rows = std::min(n, std::max<int64_t>(1, kPanelElements / std::max<int64_t>(k, 1)));
  Tensor panel = empty(DType::kF32, {panel_rows, k});
  for (int64_t r0 = 0; r0 < n; r0 += panel_rows) {
    const int64_t rows = std::min(panel_rows, n - r0);
    Tensor panel_view = panel.slice_rows(0, rows);
    convert(w.slice_rows(r0, r0 + rows), panel_view);
    gemm(t, rows, k, 1.0f, {x.raw(), DType::kF32, k}, {panel.raw(), DType::kF32, k, 0, true}, 0.0f,
         out.data<float>() + r0, DType::kF32, n);
  }
}

}  // namespace

void linear(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& out) {
  const int64_t t = x.dim(0), k = x.dim(1), n = w.dim(0);
  if (t == 0 || n == 0) return;
  if (k == 0) {
    fill_zero(out);  // an empty sum; cuBLAS is not asked to handle k = 0
  } else if (gemv_bf16_applies(x, w, out)) {
    gemv_bf16(x, w, out);  // decode: one token
  } else if (x.dtype() == w.dtype()) {
    gemm(t, n, k, 1.0f, {x.raw(), x.dtype(), k}, {w.raw(), w.dtype(), k, 0, true}, 0.0f, out.raw(), out.dtype(), n);
  } else {
    Tensor x32 = x;
    if (x.dtype() != DType::kF32) {
      x32 = empty(DType::kF32, x.shape());
      convert(x, x32);
    }
    Tensor out32 = out.dtype() == DType::kF32 ? out : empty(DType::kF32, out.shape());
    linear_f32_by_panels(x32, w, out32);
    if (bias) add_bias(out32, *bias);
    if (out32.raw() != out.raw()) convert(out32, out);
    return;
  }
  if (bias) add_bias(out, *bias);
}

}  // namespace lightvl::cuda
