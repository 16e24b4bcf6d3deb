// Strided column copies: the split of a fused projection into its parts (e.g. head-major q | k | v), and
// the reverse, writing a narrow block into a column range of a wider one (e.g. the ViT's patch tokens after
// each tile's CLS row).
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace lightvl::ops {

// dst[r, :] = src[r, begin : begin + dst.cols] for every row r. src: [R, C], dst: [R, n] with
// begin + n ≤ C; same dtype and device (any dtype). Throws Error(kInternal) on a mismatch.
void copy_columns(const Tensor& src, int64_t begin, Tensor& dst);

// dst[r, begin : begin + src.cols] = src[r, :] for every row r; the other columns of dst are left as they
// are. src: [R, n], dst: [R, C] with begin + n ≤ C; same dtype and device (any dtype). An exact copy;
// asynchronous on CUDA. Throws Error(kInternal) on a mismatch. Thread-safe for distinct destinations.
void copy_into_columns(const Tensor& src, Tensor& dst, int64_t begin);

}  // namespace lightvl::ops
