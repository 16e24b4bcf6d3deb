// The multimodal projector (spec §7.5): vision features into the text model's embedding space,
//   f = linear_2(act(linear_1(v)))    both with biases; act = projector_hidden_act (exact GELU released).
#pragma once

#include "core/tensor.h"
#include "io/model_config.h"
#include "vision/encoder/vision_weights.h"

namespace lightvl::vision {

// features: [rows, vision hidden], an activation tensor (f32 on the CPU; f32 or bf16 on CUDA) on the
// device holding `w` (place_projector_weights). Returns new [rows, text hidden] of the features' device
// and dtype. Throws Error(kInternal) when
// the width does not match linear_1 (the encoder checks shapes before calling). Thread-safe.
Tensor project_features(const ProjectorWeights& w, io::Activation act, const Tensor& features);

}  // namespace lightvl::vision
