// Counter-based uniform random numbers (SplitMix64 of seed ⊕ index), identical on host and device.
#pragma once

#include <cstdint>

#include "core/tensor.h"

#if defined(__CUDACC__)
#define LIGHTVL_HOST_DEVICE __host__ __device__
#else
#define LIGHTVL_HOST_DEVICE
#endif

namespace lightvl::cuda {

// A float in [0, 1) from (seed, counter): SplitMix64 finaliser, top 24 bits. Pure; host and device.
LIGHTVL_HOST_DEVICE inline float uniform_from_counter(uint64_t seed, uint64_t counter) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (counter + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return float(z >> 40) * (1.0f / 16777216.0f);
}

// Fills the device tensor `t` (f32/f16/bf16) with low + (high − low)·u, u from uniform_from_counter.
void fill_uniform(Tensor& t, float low, float high, uint64_t seed);

}  // namespace lightvl::cuda

#undef LIGHTVL_HOST_DEVICE
