// Appending rows to a buffer at a position held in a tensor: the KV-cache write of a decode step that is
// recorded once as a graph (ops/device_graph.h) and replayed at later positions.
#pragma once

#include "core/tensor.h"

namespace lightvl::ops {

// dst[first + r] = src[r] for every row r of src, with first the value of `first_row` (a one-element
// int64 tensor on dst's device) when the work runs. src [n, ...] and dst [capacity, ...] have the same
// dtype, device and row shape (any dtype). On the CPU first + n must be ≤ capacity (else
// Error(kInvalidArgument)); on CUDA the value is not known when the call is made, so the caller must
// ensure it, and rows that would fall past the capacity are dropped. Throws Error(kInternal) on a shape,
// dtype or device mismatch. Asynchronous on CUDA.
void copy_rows_at(const Tensor& src, const Tensor& first_row, Tensor& dst);

}  // namespace lightvl::ops
