// The vision half of MiniMax-VL-01 as one object: preprocessed image in, the embeddings that replace its
// <image> placeholders out (spec §7.4–7.6). It owns the CLIP tower, the projector and image_newline;
// preprocessing (vision/preprocess) and the prompt merge (sdk/engine/multimodal_prompt.h) sit on either
// side of it.
#pragma once

#include <cstdint>

#include "core/tensor.h"
#include "io/model_config.h"
#include "vision/encoder/clip_vision_tower.h"
#include "vision/encoder/vision_weights.h"
#include "vision/preprocess/anyres_plan.h"
#include "vision/preprocess/anyres_preprocess.h"

namespace lightvl::io {
class Checkpoint;
}

namespace lightvl::vision {

class ImageEncoder {
 public:
  // Binds to a checkpoint validated against `config` (io::validate_checkpoint); weights stay mapped.
  // Throws Error(kInvalidArgument) when `config` is not a VL config, Error(kUnsupported) for the "full"
  // feature strategy (packing needs exactly (S/p)² features per tile, as the reference requires),
  // Error(kNotFound / kBadModel) for missing or misshapen tensors.
  ImageEncoder(const io::Checkpoint& checkpoint, const io::ModelConfig& config);

  // Projected features of every tile: pixels [tiles, 3, S, S] f32 → new [tiles, (S/p)², text hidden] f32.
  // Throws Error(kInvalidArgument) for pixels that do not fit vision_config.
  Tensor tile_features(const Tensor& pixels) const;

  // The packed sequence of one image: new [plan.num_tokens, text hidden] f32, thumbnail first (spec §7.6).
  // `pixels` and `plan` are what preprocess_image made for the image. Throws Error(kInvalidArgument) when
  // the plan's tile or patch size differs from vision_config or the pixels do not match the plan.
  Tensor encode(const Tensor& pixels, const AnyresPlan& plan) const;
  Tensor encode(const PreprocessedImage& image) const { return encode(image.pixels, image.plan); }

  const ClipVisionTower& tower() const { return tower_; }
  int64_t text_hidden() const { return newline_.numel(); }

  // Thread safety: immutable after construction; all const members may run concurrently.

 private:
  io::VisionLanguageConfig vl_;
  ClipVisionTower tower_;
  ProjectorWeights projector_;
  Tensor newline_;  // [text hidden] f32
};

}  // namespace lightvl::vision
