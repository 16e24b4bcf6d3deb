// Sparse MoE feed-forward block (spec §6): router softmax in f32, top-k, renormalised weights, SwiGLU
// experts, outputs summed per token in expert-index order (on CUDA, batches of a few tokens take the
// fused ops/moe_small_batch.h op instead, which sums in rank order with f32 intermediates).
#pragma once

#include "core/tensor.h"
#include "text/backbone/backbone_spec.h"
#include "text/backbone/backbone_weights.h"

namespace lightvl::text {

// x: the normed input [T, hidden] f32. Returns [T, hidden].
Tensor moe_block(const BackboneSpec& spec, const MoeWeights& w, const Tensor& x);

}  // namespace lightvl::text
