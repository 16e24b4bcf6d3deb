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
  // Binds to a checkpoint validated against `config` (io::validate_checkpoint), computing on `device` in
  // `activation` (f32 on the CPU; f32 or bf16 on CUDA). On the CPU the weights stay mapped; on CUDA they
  // are copied there once (place_clip_weights, place_projector_weights; image_newline in `activation`).
  // Throws Error(kInvalidArgument) when `config` is not a VL config or the device cannot compute in
  // `activation`, Error(kUnsupported) for the "full" feature strategy (packing needs exactly (S/p)²
  // features per tile, as the reference requires) or a device this build lacks, Error(kNotFound /
  // kBadModel) for missing or misshapen tensors, Error(kOutOfMemory) when the device is full.
  ImageEncoder(const io::Checkpoint& checkpoint, const io::ModelConfig& config, Device device = Device::kCpu,
               DType activation = DType::kF32);

  // Projected features of every tile: pixels [tiles, 3, S, S] f32 (host or the encoder's device) → new
  // [tiles, (S/p)², text hidden] on the encoder's device in its activation dtype (host f32 on the CPU).
  // Throws Error(kInvalidArgument) for pixels that do not fit vision_config.
  Tensor tile_features(const Tensor& pixels) const;

  // The packed sequence of one image: new [plan.num_tokens, text hidden] on the encoder's device in its
  // activation dtype (host f32 on the CPU), thumbnail first (spec §7.6). `pixels` and `plan` are what
  // preprocess_image made for the image. Throws Error(kInvalidArgument) when the plan's tile or patch
  // size differs from vision_config or the pixels do not match the plan.
  Tensor encode(const Tensor& pixels, const AnyresPlan& plan) const;
  Tensor encode(const PreprocessedImage& image) const { return encode(image.pixels, image.plan); }

  const ClipVisionTower& tower() const { return tower_; }
  int64_t text_hidden() const { return newline_.numel(); }
  Device device() const { return tower_.device(); }
  DType activation_dtype() const { return tower_.activation_dtype(); }

  // Thread safety: immutable after construction; all const members may run concurrently.

 private:
  io::VisionLanguageConfig vl_;
  ClipVisionTower tower_;
  ProjectorWeights projector_;
  Tensor newline_;  // [text hidden], activation dtype on the encoder's device
};

}  // namespace lightvl::vision
