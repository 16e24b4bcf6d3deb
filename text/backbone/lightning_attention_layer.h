// Lightning attention layer (spec §3): qkv projection, SiLU, decayed linear attention with an f32 state,
// RMSNorm over all heads, sigmoid output gate from the layer input, output projection.
#pragma once

#include "core/tensor.h"
#include "text/backbone/backbone_spec.h"
#include "text/backbone/backbone_weights.h"

namespace lightvl::text {

// x: the normed layer input [T, hidden] f32; state: this layer's [H, d, d] state, updated in place.
// Returns [T, hidden]. Works for any T ≥ 1, with or without past state (prefill, chunked prefill, decode).
Tensor lightning_attention_layer(const BackboneSpec& spec, const LayerSpec& layer, const LightningWeights& w,
                                 const Tensor& x, Tensor& state);

}  // namespace lightvl::text
