// Rotary position embedding on the leading `rotary_dim` dimensions of each head (NeoX rotate-half).
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace lightvl::ops {

// In place on x [T, heads, head_dim] (f32): for token t at absolute position positions[t] and each head,
// the slice [0, rotary_dim) is rotated as pairs (i, i + rotary_dim/2) by angle p·theta^(−2i/rotary_dim);
// dims [rotary_dim, head_dim) pass through unchanged (MiniMax: rotary_dim 64 of 128).
// rotary_dim must be even and ≤ head_dim; positions.size() == T. Throws Error(kInternal) otherwise.
void rope_inplace(Tensor& x, const std::vector<int64_t>& positions, int rotary_dim, double theta);

// The same with the positions in a tensor on x's device (int64 [T]), read when the work runs: a decode
// step recorded as a graph (ops/device_graph.h) replays at whatever positions the tensor then holds.
// Throws Error(kInternal) for a positions tensor of another device, dtype or length.
void rope_inplace(Tensor& x, const Tensor& positions, int rotary_dim, double theta);

}  // namespace lightvl::ops
