// Softmax GQA attention layer (spec §4): q/k/v projections, partial RoPE, causal attention over the KV
// cache, output projection.
#pragma once

#include "core/tensor.h"
#include "text/backbone/backbone_spec.h"
#include "text/backbone/backbone_weights.h"
#include "text/backbone/hybrid_state.h"

namespace lightvl::text {

// x: the normed layer input [T, hidden] f32 for absolute positions first_position .. first_position+T−1;
// cache: this layer's KV cache, which must already have room for T more rows (HybridState::reserve).
// Appends the new post-RoPE keys and values and returns [T, hidden].
Tensor softmax_attention_layer(const BackboneSpec& spec, const SoftmaxWeights& w, const Tensor& x,
                               int64_t first_position, KvCache& cache);

}  // namespace lightvl::text
