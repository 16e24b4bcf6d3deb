// The CLIP vision tower (spec §7.4): S×S RGB tiles in, one feature vector per patch out.
//
//   patches  each tile cut into (S/p)² patches of 3·p·p values, row-major over the patch grid, and
//            multiplied by the patch convolution's weight (a p×p stride-p convolution without bias is
//            exactly this matrix product)
//   tokens   [CLS, patch 0, patch 1, ...] + learned position embeddings, then pre_layrnorm
//   layers   pre-LN encoder blocks (clip_encoder_layer.h)
//   output   hidden state k of the L+1 states (0 = the pre-layernormed embeddings, k = after k blocks),
//            k from vision_feature_layer (negative counts from the end); "default" drops the CLS row,
//            "full" keeps it. No post_layernorm: the model never uses it (and the checkpoint lacks it).
// Only blocks 0..k−1 are loaded and run: with vision_feature_layer −2 the last block is skipped entirely.
//
// Devices. A tower computes on one device (the CPU unless placed with to()) in one activation dtype (f32
// on the CPU; f32 or bf16 on CUDA). Every step runs through the ops on that device: the pixels are
// uploaded once and unfolded there (ops::unfold_patches), the CLS row and the position table are added
// with device copies and element-wise ops, and "default" drops the CLS rows with one strided device copy;
// no host pointer is touched on CUDA. The embedding stage (patch matrix product, CLS + positions,
// pre_layrnorm) runs in f32 whatever the activation dtype, then the blocks run in the activation dtype.
// Attention runs per tile (one ops::attention call per tile and block: 577 positions each at 336/14).
#pragma once

#include <cstdint>

#include "core/tensor.h"
#include "io/model_config.h"
#include "vision/encoder/vision_weights.h"

namespace lightvl::io {
class Checkpoint;
}

namespace lightvl::vision {

class ClipVisionTower {
 public:
  // Binds the tower to a checkpoint (validated against `vl`), loading the blocks the feature layer needs.
  // Throws Error(kNotFound / kBadModel) naming a missing or misshapen tensor.
  ClipVisionTower(const io::Checkpoint& checkpoint, const io::VisionLanguageConfig& vl);

  // A tower over weights already in memory (tests, benchmarks), computing in f32 on the device that holds
  // weights.position_embedding (all weights must be there). `hidden_state` selects hidden state k in
  // [0, weights.layers.size()]; throws Error(kInvalidArgument) when it is out of range.
  ClipVisionTower(io::VisionConfig config, ClipWeights weights, int64_t hidden_state, io::FeatureSelect select);

  // A copy of this tower computing on `device` in `activation` (f32 on the CPU; f32 or bf16 on CUDA),
  // its weights placed there once (place_clip_weights). The original is unchanged. Throws what
  // place_clip_weights throws (Error(kInvalidArgument) for a dtype the device does not compute in).
  ClipVisionTower to(Device device, DType activation) const;

  // pixels: [tiles, 3, S, S] f32, normalised (spec §7.1), on the host or on the tower's device. Returns
  // new [tiles, tokens_per_tile(), hidden] features on the tower's device in its activation dtype (host
  // f32 for a CPU tower). Throws Error(kInvalidArgument) when the pixel shape does not fit the config.
  // On CUDA the work is queued on the device's stream; reading the result (ops::to_device to the host)
  // waits for it. Thread-safe: the tower is immutable; activation memory is about
  // tiles·(S/p)²·(intermediate + 6·hidden) elements.
  Tensor forward(const Tensor& pixels) const;

  // (S/p)² for "default", (S/p)² + 1 for "full".
  int64_t tokens_per_tile() const;
  const io::VisionConfig& config() const { return config_; }
  int64_t hidden_state() const { return hidden_state_; }
  io::FeatureSelect feature_select() const { return select_; }
  Device device() const { return device_; }
  DType activation_dtype() const { return activation_; }
  const ClipWeights& weights() const { return weights_; }

 private:
  Tensor embed(const Tensor& pixels) const;

  io::VisionConfig config_;
  ClipWeights weights_;
  int64_t hidden_state_ = 0;
  io::FeatureSelect select_ = io::FeatureSelect::kDefault;
  Device device_ = Device::kCpu;
  DType activation_ = DType::kF32;
  // [positions, hidden] f32 on device_: the position table with the class embedding added to row 0, so
  // that one add per tile gives CLS + position 0 and patch + position i (the same f32 sums as adding the
  // two rows to the CLS token in turn, since 0 + v = v).
  Tensor token_bias_;
};

}  // namespace lightvl::vision
