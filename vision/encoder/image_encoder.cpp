#include "vision/encoder/image_encoder.h"

#include <string>

#include "core/error.h"
#include "io/checkpoint.h"
#include "ops/device_memory.h"
#include "vision/encoder/image_packing.h"
#include "vision/encoder/multimodal_projector.h"

namespace lightvl::vision {
namespace {

const io::VisionLanguageConfig& vl_of(const io::ModelConfig& config) {
  require(config.is_vl(), ErrorCode::kInvalidArgument,
          config.source + " describes a text-only model (model_type \"" + config.model_type +
              "\"); images need a MiniMax-VL-01 checkpoint");
  require(config.vl->feature_select == io::FeatureSelect::kDefault, ErrorCode::kUnsupported,
          config.source + ": vision_feature_select_strategy \"full\" cannot be packed into image tokens (the "
                          "reference accepts only \"default\")");
  return *config.vl;
}

// image_newline (host f32) as `activation` on `device`.
Tensor place_newline(const Tensor& newline, Device device, DType activation) {
  check_vision_activation(device, activation, "image encoder");
  if (device == Device::kCpu) return newline;
  const Tensor there = ops::to_device(newline, device);
  if (activation == DType::kF32) return there;
  Tensor out = ops::empty(activation, newline.shape(), device, newline.name());
  ops::convert(there, out);
  return out;
}

}  // namespace

ImageEncoder::ImageEncoder(const io::Checkpoint& checkpoint, const io::ModelConfig& config, Device device,
                           DType activation)
    : vl_(vl_of(config)), tower_(ClipVisionTower(checkpoint, vl_).to(device, activation)),
      projector_(place_projector_weights(load_projector_weights(checkpoint), device, activation)),
      newline_(place_newline(load_image_newline(checkpoint), device, activation)) {
  const int64_t vision_hidden = vl_.vision.hidden_size, text_hidden = config.text.hidden_size;
  require(projector_.linear1_weight.shape() == Shape{text_hidden, vision_hidden} && newline_.numel() == text_hidden,
          ErrorCode::kBadModel,
          checkpoint.directory().string() + ": multi_modal_projector.linear_1 " +
              shape_string(projector_.linear1_weight.shape()) + " or image_newline " + shape_string(newline_.shape()) +
              " does not map vision hidden " + std::to_string(vision_hidden) + " to text hidden " +
              std::to_string(text_hidden));
}

Tensor ImageEncoder::tile_features(const Tensor& pixels) const {
  const Tensor features = tower_.forward(pixels);
  const int64_t tiles = features.dim(0), tokens = features.dim(1);
  const Tensor projected = project_features(projector_, vl_.projector_hidden_act,
                                            features.reshaped({tiles * tokens, features.dim(2)}));
  return projected.reshaped({tiles, tokens, text_hidden()});
}

Tensor ImageEncoder::encode(const Tensor& pixels, const AnyresPlan& plan) const {
  require(plan.tile_size == vl_.vision.image_size && plan.patch_size == vl_.vision.patch_size,
          ErrorCode::kInvalidArgument,
          "image plan uses tiles of " + std::to_string(plan.tile_size) + " px and patches of " +
              std::to_string(plan.patch_size) + " px, but vision_config has image_size " +
              std::to_string(vl_.vision.image_size) + " and patch_size " + std::to_string(vl_.vision.patch_size) +
              "; preprocessor_config.json does not match config.json");
  require(pixels.rank() == 4 && pixels.dim(0) == plan.num_tiles(), ErrorCode::kInvalidArgument,
          "image pixels " + shape_string(pixels.shape()) + " do not hold the plan's " +
              std::to_string(plan.num_tiles()) + " tiles");
  return pack_image_features(tile_features(pixels), plan, newline_);
}

}  // namespace lightvl::vision
