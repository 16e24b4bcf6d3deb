// Random weights of real sizes, generated on the target device: for benchmarks of full-width MiniMax
// shapes without a checkpoint. Deterministic for a seed.
#pragma once

#include <cstdint>

#include "text/backbone/backbone_spec.h"
#include "text/backbone/backbone_weights.h"

namespace lightvl::text {

// The released MiniMax-Text-01 geometry (spec §1.1) cut to `lightning_per_softmax` lightning layers plus
// one softmax layer, repeated `blocks` times: hidden 6144, 64×128 heads, 8 KV heads, rotary 64, rope
// theta 1e7, 32 experts of 9216 (top-2), vocabulary 200,064; decay rates of layers 0.. of the 80-layer model.
BackboneSpec minimax_text01_slice(int blocks = 1, int lightning_per_softmax = 7);

// Weights for `spec` in `dtype` on `device`: linear weights uniform in ±1/√fan_in, norm weights in
// [0.9, 1.1). Throws Error(kOutOfMemory) when the device cannot hold them.
BackboneWeights random_backbone_weights(const BackboneSpec& spec, Device device, DType dtype, uint64_t seed);

}  // namespace lightvl::text
