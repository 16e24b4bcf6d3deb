// Deterministic pseudo-random tensor contents, for benchmarks that need weights of real sizes without a
// checkpoint (made where they live: a 90 GB model is never generated on the host).
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace lightvl::ops {

// Fills `t` (f32, f16 or bf16, any device) with values uniform in [low, high), a pure function of
// (seed, element index): the same seed gives the same tensor on every device. Throws Error(kUnsupported)
// for other dtypes.
void fill_uniform(Tensor& t, float low, float high, uint64_t seed);

}  // namespace lightvl::ops
