// One pre-LN CLIP encoder block (spec §7.4):
//   h   = x + out_proj(MHA(layer_norm1(x)))          multi-head, non-causal, scale 1/√head_dim
//   out = h + fc2(act(fc1(layer_norm2(h))))          act: exact or quick GELU per vision_config
// All projections carry biases.
#pragma once

#include <cstdint>

#include "core/tensor.h"
#include "io/model_config.h"
#include "vision/encoder/vision_weights.h"

namespace lightvl::vision {

// x: `sequences` independent token sequences (the ViT's tiles) stacked row-wise, [sequences · P, hidden],
// an activation tensor (f32 on the CPU; f32 or bf16 on CUDA) on the device holding `w`; attention never
// crosses from one sequence to another. Returns a new [sequences · P, hidden] tensor of x's device and
// dtype; x is not modified. Throws Error(kInternal) on shape mismatches (programmer errors: the tower
// checks its inputs). Thread-safe: reads only `w` and `x`.
Tensor clip_encoder_layer(const io::VisionConfig& config, const ClipLayerWeights& w, const Tensor& x,
                          int64_t sequences);

}  // namespace lightvl::vision
