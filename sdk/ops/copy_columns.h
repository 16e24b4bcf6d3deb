// Strided column copy: the split of a fused projection into its parts (e.g. head-major q | k | v).
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace lightvl::ops {

// dst[r, :] = src[r, begin : begin + dst.cols] for every row r. src: [R, C], dst: [R, n] with
// begin + n ≤ C; same dtype and device (any dtype). Throws Error(kInternal) on a mismatch.
void copy_columns(const Tensor& src, int64_t begin, Tensor& dst);

}  // namespace lightvl::ops
