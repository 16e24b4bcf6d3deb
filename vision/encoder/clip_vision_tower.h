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

  // A tower over weights already in memory (tests, benchmarks). `hidden_state` selects hidden state k in
  // [0, weights.layers.size()]; throws Error(kInvalidArgument) when it is out of range.
  ClipVisionTower(io::VisionConfig config, ClipWeights weights, int64_t hidden_state, io::FeatureSelect select);

  // pixels: [tiles, 3, S, S] f32, normalised (spec §7.1). Returns new [tiles, tokens_per_tile(), hidden]
  // f32 features. Throws Error(kInvalidArgument) when the pixel shape does not fit the config.
  // Thread-safe: the tower is immutable; activation memory is about tiles·(S/p)²·(intermediate + 6·hidden)
  // floats.
  Tensor forward(const Tensor& pixels) const;

  // (S/p)² for "default", (S/p)² + 1 for "full".
  int64_t tokens_per_tile() const;
  const io::VisionConfig& config() const { return config_; }
  int64_t hidden_state() const { return hidden_state_; }
  io::FeatureSelect feature_select() const { return select_; }

 private:
  Tensor embed(const Tensor& pixels) const;

  io::VisionConfig config_;
  ClipWeights weights_;
  int64_t hidden_state_ = 0;
  io::FeatureSelect select_ = io::FeatureSelect::kDefault;
};

}  // namespace lightvl::vision
