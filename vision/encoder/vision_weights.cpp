#include "vision/encoder/vision_weights.h"

#include <string>

#include "core/error.h"
#include "io/checkpoint.h"
#include "io/model_config.h"
#include "io/tensor_registry.h"

namespace lightvl::vision {
namespace {

// The checkpoint tensor `name`, checked against `shape` (a second line of defence behind
// io::validate_checkpoint, so a hand-built or unvalidated checkpoint still fails with a message).
Tensor get_checked(const io::Checkpoint& ckpt, const std::string& name, const Shape& shape) {
  Tensor t = ckpt.get(name);
  require(t.shape() == shape, ErrorCode::kBadModel,
          "tensor '" + name + "' in " + ckpt.file_of(name).string() + " has shape " + shape_string(t.shape()) +
              ", expected " + shape_string(shape) + " from config.json's vision_config; the checkpoint does not "
              "match its config");
  return t;
}

std::string with_suffix(std::string_view base, const char* suffix) { return std::string(base) + suffix; }

ClipLayerWeights layer_weights(const io::Checkpoint& ckpt, const io::VisionConfig& v, int layer) {
  const int64_t h = v.hidden_size, inter = v.intermediate_size;
  auto w = [&](std::string_view base, Shape shape) {
    return get_checked(ckpt, io::vision_layer_tensor(layer, with_suffix(base, ".weight")), shape);
  };
  auto b = [&](std::string_view base, int64_t n) {
    return get_checked(ckpt, io::vision_layer_tensor(layer, with_suffix(base, ".bias")), {n});
  };
  ClipLayerWeights lw;
  lw.norm1_weight = w(io::kVisionNorm1, {h});
  lw.norm1_bias = b(io::kVisionNorm1, h);
  lw.q_weight = w(io::kVisionQ, {h, h});
  lw.q_bias = b(io::kVisionQ, h);
  lw.k_weight = w(io::kVisionK, {h, h});
  lw.k_bias = b(io::kVisionK, h);
  lw.v_weight = w(io::kVisionV, {h, h});
  lw.v_bias = b(io::kVisionV, h);
  lw.out_weight = w(io::kVisionOut, {h, h});
  lw.out_bias = b(io::kVisionOut, h);
  lw.norm2_weight = w(io::kVisionNorm2, {h});
  lw.norm2_bias = b(io::kVisionNorm2, h);
  lw.fc1_weight = w(io::kVisionFc1, {inter, h});
  lw.fc1_bias = b(io::kVisionFc1, inter);
  lw.fc2_weight = w(io::kVisionFc2, {h, inter});
  lw.fc2_bias = b(io::kVisionFc2, h);
  return lw;
}

}  // namespace

Tensor widen_to_f32(const Tensor& t) {
  require(is_float_weight(t.dtype()), ErrorCode::kBadModel,
          "tensor '" + t.name() + "' has dtype " + dtype_name(t.dtype()) + "; expected f32, f16 or bf16");
  Tensor out = Tensor::zeros(DType::kF32, t.shape(), t.name());
  convert_to_f32(t.dtype(), t.raw(), out.data<float>(), size_t(t.numel()));
  return out;
}

ClipWeights load_clip_weights(const io::Checkpoint& checkpoint, const io::VisionConfig& vision, int64_t num_layers) {
  const int64_t h = vision.hidden_size, c = vision.num_channels, p = vision.patch_size;
  ClipWeights w;
  w.patch_weight = get_checked(checkpoint, io::vision_tensor(io::kPatchEmbedding), {h, c, p, p}).reshaped({h, c * p * p});
  w.class_embedding = widen_to_f32(get_checked(checkpoint, io::vision_tensor(io::kClassEmbedding), {h}));
  w.position_embedding =
      widen_to_f32(get_checked(checkpoint, io::vision_tensor(io::kPositionEmbedding), {vision.num_positions(), h}));
  w.pre_norm_weight = get_checked(checkpoint, io::vision_tensor(io::kPreNormWeight), {h});
  w.pre_norm_bias = get_checked(checkpoint, io::vision_tensor(io::kPreNormBias), {h});
  for (int64_t layer = 0; layer < num_layers; ++layer) {
    w.layers.push_back(layer_weights(checkpoint, vision, int(layer)));
  }
  return w;
}

ProjectorWeights load_projector_weights(const io::Checkpoint& checkpoint) {
  ProjectorWeights w;
  w.linear1_weight = checkpoint.get(io::kProjector1Weight);
  w.linear1_bias = checkpoint.get(io::kProjector1Bias);
  w.linear2_weight = checkpoint.get(io::kProjector2Weight);
  w.linear2_bias = checkpoint.get(io::kProjector2Bias);
  // Shapes relative to each other; their sizes against the config are the loader's check.
  const int64_t text_hidden = w.linear1_weight.rank() == 2 ? w.linear1_weight.dim(0) : -1;
  const bool ok = w.linear1_weight.rank() == 2 && w.linear1_bias.shape() == Shape{text_hidden} &&
                  w.linear2_weight.shape() == Shape{text_hidden, text_hidden} &&
                  w.linear2_bias.shape() == Shape{text_hidden};
  require(ok, ErrorCode::kBadModel,
          "multi_modal_projector tensors have inconsistent shapes (linear_1 " + shape_string(w.linear1_weight.shape()) +
              ", linear_2 " + shape_string(w.linear2_weight.shape()) + "); the checkpoint is damaged");
  return w;
}

Tensor load_image_newline(const io::Checkpoint& checkpoint) {
  const Tensor t = checkpoint.get(io::kImageNewline);
  require(t.rank() == 1, ErrorCode::kBadModel,
          "tensor 'image_newline' has shape " + shape_string(t.shape()) + ", expected [text hidden]");
  return widen_to_f32(t);
}

}  // namespace lightvl::vision
