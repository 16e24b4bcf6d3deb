// The vision half's weights (spec §2.2): the CLIP tower, the projector and image_newline.
//
// Large matrices stay views into the memory-mapped checkpoint (bf16 in the released model); the few
// small tensors the tower adds or copies row by row (class embedding, position table, image_newline)
// are widened to f32 once at load, because the element-wise ops take f32 operands only.
// place_clip_weights / place_projector_weights move them to a compute device once (the CPU keeps the
// mapped views as they are).
#pragma once

#include <vector>

#include "core/tensor.h"

namespace lightvl::io {
class Checkpoint;
struct ModelConfig;
struct VisionConfig;
}  // namespace lightvl::io

namespace lightvl::vision {

// One pre-LN CLIP encoder block. Linear weights are [out, in]; every projection has a bias.
struct ClipLayerWeights {
  Tensor norm1_weight, norm1_bias;  // layer_norm1 [hidden]
  Tensor q_weight, q_bias;          // [hidden, hidden], [hidden]
  Tensor k_weight, k_bias;
  Tensor v_weight, v_bias;
  Tensor out_weight, out_bias;
  Tensor norm2_weight, norm2_bias;  // layer_norm2 [hidden]
  Tensor fc1_weight, fc1_bias;      // [intermediate, hidden], [intermediate]
  Tensor fc2_weight, fc2_bias;      // [hidden, intermediate], [hidden]
};

struct ClipWeights {
  // The 14×14 stride-14 patch convolution as a matrix: [hidden, channels·patch·patch], columns ordered
  // (channel, row, column) like the checkpoint's [hidden, channels, patch, patch] (a reshaped view).
  Tensor patch_weight;
  Tensor class_embedding;     // [hidden] f32 (owned copy)
  Tensor position_embedding;  // [positions, hidden] f32 (owned copy); row 0 belongs to the CLS token
  Tensor pre_norm_weight, pre_norm_bias;  // pre_layrnorm [hidden]
  // Only the layers the configured feature layer needs (layers past it are never loaded).
  std::vector<ClipLayerWeights> layers;
};

// linear_1: [text hidden, vision hidden] + bias; linear_2: [text hidden, text hidden] + bias.
struct ProjectorWeights {
  Tensor linear1_weight, linear1_bias;
  Tensor linear2_weight, linear2_bias;
};

// Looks up the tower's tensors through the name registry, loading layers [0, num_layers). The checkpoint
// should already be validated against the config (io::validate_checkpoint); a missing tensor still throws
// Error(kNotFound) naming it. Throws Error(kBadModel) when a tensor's shape does not fit `vision`.
// The views keep the checkpoint's mappings alive. Thread-safe.
ClipWeights load_clip_weights(const io::Checkpoint& checkpoint, const io::VisionConfig& vision, int64_t num_layers);

// Projector weights (views). Same errors as load_clip_weights.
ProjectorWeights load_projector_weights(const io::Checkpoint& checkpoint);

// image_newline widened to an owned f32 [text hidden] tensor. Same errors as load_clip_weights.
Tensor load_image_newline(const io::Checkpoint& checkpoint);

// The tower's weights for computing on `device` with activations of `activation` (f32 on the CPU; f32 or
// bf16 on CUDA). The CPU with f32: the same weights (views, no copy). CUDA: copied to the device once;
// the encoder blocks' six matrices converted to `activation` (so every block GEMM is f32·f32 or bf16·bf16
// on cuBLAS, f32 accumulation; bf16 → f32 is exact, f32 → bf16 rounds to nearest even); the patch matrix,
// class embedding and position table as f32 (the embedding stage runs in f32, see clip_vision_tower.h);
// norm weights and biases keep their dtype (the ops read any float type). Weights already on `device` are
// reused, not copied. Throws Error(kInvalidArgument) for an activation dtype the device does not compute
// in, Error(kOutOfMemory) when the device is full, Error(kUnsupported) for a device this build lacks.
// Thread-safe.
ClipWeights place_clip_weights(const ClipWeights& weights, Device device, DType activation);

// The projector's weights for `device` and `activation`, by the same rules: both matrices converted to
// `activation` on CUDA, biases as they are; the CPU with f32 gets the same views. Same errors.
ProjectorWeights place_projector_weights(const ProjectorWeights& weights, Device device, DType activation);

// Throws Error(kInvalidArgument) unless `activation` is a dtype `device` computes activations in (f32 on
// the CPU; f32 or bf16 on CUDA). `what` names the caller in the message.
void check_vision_activation(Device device, DType activation, const char* what);

// A float weight of any float dtype copied into new f32 memory of the same shape (owned).
// Throws Error(kBadModel) naming the tensor when its dtype is not f32, f16 or bf16.
Tensor widen_to_f32(const Tensor& t);

}  // namespace lightvl::vision
