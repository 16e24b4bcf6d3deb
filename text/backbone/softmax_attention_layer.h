// Softmax GQA attention layer (spec §4): q/k/v projections, partial RoPE, causal attention over the KV
// cache, output projection.
#pragma once

#include "core/tensor.h"
#include "text/backbone/backbone_spec.h"
#include "text/backbone/backbone_weights.h"
#include "text/backbone/hybrid_state.h"
#include "text/backbone/sequence_batch.h"

namespace lightvl::text {

// x: the normed layer input [T, hidden], the rows of the batch's sequences back to back; sequence s's rows
// sit at absolute positions state.position() onwards. Each sequence's KV cache for layer `index` must
// already have room for its rows (HybridState::reserve); the new post-RoPE keys and values are appended.
// Returns [T, hidden].
Tensor softmax_attention_layer(const BackboneSpec& spec, size_t index, const SoftmaxWeights& w, const Tensor& x,
                               const SequenceBatch& batch);

}  // namespace lightvl::text
