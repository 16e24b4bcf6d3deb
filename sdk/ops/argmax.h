// Row-wise argmax: the greedy choice over logits, computed where the logits are, so that greedy decoding
// brings back one id per row instead of a row of vocabulary-sized logits.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::ops {

// For each row r of x [R, V] (f32 on the CPU; f32 or bf16 on CUDA), the index of its largest entry, exactly
// as std::max_element over the row widened to f32 picks it: the first of equal maxima; NaN entries never
// win, except that a row whose first entry is NaN gives 0 (max_element keeps its first element when no
// later one compares greater). Returns R host ids. Throws Error(kInternal) unless x is a rank-2 float
// activation with V ≥ 1. Synchronises with the device (the ids come back to the host).
std::vector<int32_t> argmax_rows(const Tensor& x);

}  // namespace lightvl::ops
