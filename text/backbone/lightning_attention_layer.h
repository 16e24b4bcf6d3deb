// Lightning attention layer (spec §3): qkv projection, SiLU, decayed linear attention with an f32 state,
// RMSNorm over all heads, sigmoid output gate from the layer input, output projection.
#pragma once

#include "core/tensor.h"
#include "text/backbone/backbone_spec.h"
#include "text/backbone/backbone_weights.h"
#include "text/backbone/sequence_batch.h"

namespace lightvl::text {

// x: the normed layer input [T, hidden], the rows of the batch's sequences back to back; each sequence's
// state for layer `index` ([H, d, d] f32) is updated in place. Returns [T, hidden]. Works for any number
// of rows per sequence, with or without past state (prefill, chunked prefill, decode).
Tensor lightning_attention_layer(const BackboneSpec& spec, size_t index, const LightningWeights& w, const Tensor& x,
                                 const SequenceBatch& batch);

}  // namespace lightvl::text
