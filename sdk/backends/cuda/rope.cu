// CUDA partial rotary embedding (NeoX rotate-half on the first rotary_dim dims of each head).
//
// One thread per (token, head, pair i < rotary_dim/2) in a grid-stride loop: angle = f32(position) ·
// inv_freq[i], then (a, b) = (x_i, x_{i+half}) becomes (a·cos − b·sin, b·cos + a·sin), in f32, rounded
// once to x's dtype. inv_freq = 1/theta^(2i/rotary_dim) is computed on the host with exactly the CPU
// kernel's f32 expression and passed by value as a kernel parameter: at positions near 10^6 one ulp of
// inv_freq moves the angle by a visible fraction of a radian, so the device must not recompute it with
// its own powf. Positions are read from device memory, so a recorded graph replays at new positions.
// cosf/sinf run without fast math (full range reduction). Layout: x [T, heads, head_dim] contiguous.
// Limits: rotary_dim ≤ 2·kMaxRotaryPairs (256).
#include "backends/cuda/rope.h"

#include <cmath>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

constexpr int kMaxRotaryPairs = 128;

struct InverseFrequencies {
  float v[kMaxRotaryPairs];
};

template <typename T>
__global__ void rope_kernel(T* x, const int64_t* positions, const InverseFrequencies inv_freq, int64_t tokens,
                            int heads, int head_dim, int half) {
  const int64_t n = tokens * heads * half;
  for (int64_t idx = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; idx < n; idx += int64_t(gridDim.x) * blockDim.x) {
    const int i = int(idx % half);
    const int64_t token_head = idx / half;
    const float angle = float(positions[token_head / heads]) * inv_freq.v[i];
    const float c = cosf(angle), s = sinf(angle);
    T* v = x + token_head * head_dim;
    const float a = to_float(v[i]), b = to_float(v[i + half]);
    v[i] = from_float<T>(a * c - b * s);
    v[i + half] = from_float<T>(b * c + a * s);
  }
}

// The host's f32 inverse frequencies, bit for bit the CPU kernel's expression.
InverseFrequencies inverse_frequencies(int rotary_dim, double theta) {
  const int half = rotary_dim / 2;
  require(half <= kMaxRotaryPairs, ErrorCode::kUnsupported,
          "rope on CUDA supports rotary_dim up to " + std::to_string(2 * kMaxRotaryPairs) + ", got " +
              std::to_string(rotary_dim));
  InverseFrequencies inv_freq{};
  for (int i = 0; i < half; ++i) {
    const float exponent = float(2 * i) / float(rotary_dim);  // the CPU kernel's expression, bit for bit
    inv_freq.v[i] = 1.0f / std::pow(float(theta), exponent);
  }
  return inv_freq;
}

}  // namespace

void rope_inplace(Tensor& x, const Tensor& positions, int rotary_dim, double theta) {
  const int64_t tokens = x.dim(0);
  const int heads = int(x.dim(1)), head_dim = int(x.dim(2)), half = rotary_dim / 2;
  if (tokens == 0 || heads == 0 || half == 0) return;
  const InverseFrequencies inv_freq = inverse_frequencies(rotary_dim, theta);
  const cudaStream_t stream = current_context().stream;
  with_activation_type(x.dtype(), "rope", [&](auto tag) {
    using T = decltype(tag);
    rope_kernel<T><<<grid_for(tokens * heads * half), kThreads, 0, stream>>>(
        elements<T>(x), positions.data<int64_t>(), inv_freq, tokens, heads, head_dim, half);
    check_launch();
  });
}

void rope_inplace(Tensor& x, const std::vector<int64_t>& positions, int rotary_dim, double theta) {
  if (x.dim(0) == 0) return;
  const Tensor d_positions = upload(positions.data(), DType::kI64, {x.dim(0)});
  rope_inplace(x, d_positions, rotary_dim, theta);
}

}  // namespace lightvl::cuda
