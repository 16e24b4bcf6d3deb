// Token embedding lookup.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::ops {

// out[t, :] = table[ids[t], :] widened to f32. table: [V, C] any float type; out: [T, C] f32.
// Throws Error(kInvalidArgument) naming the id when an id is outside [0, V).
void embedding(const std::vector<int32_t>& ids, const Tensor& table, Tensor& out);

}  // namespace lightvl::ops
