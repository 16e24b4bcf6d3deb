#include "vision/encoder/vision_weights.h"

#include <string>
#include <utility>

#include "core/error.h"
#include "io/checkpoint.h"
#include "io/model_config.h"
#include "io/tensor_registry.h"
#include "ops/device_memory.h"

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

// `t` on `device` as `dtype`: the tensor itself when it already is, else a copy (converted on the device
// after one upload, so a bf16 checkpoint matrix crosses the bus at its own size).
Tensor placed(const Tensor& t, Device device, DType dtype) {
  const Tensor there = ops::to_device(t, device);
  if (there.dtype() == dtype) return there;
  require(is_float_weight(t.dtype()), ErrorCode::kBadModel,
          "tensor '" + t.name() + "' has dtype " + dtype_name(t.dtype()) + "; expected f32, f16 or bf16");
  Tensor out = ops::empty(dtype, t.shape(), device, t.name());
  ops::convert(there, out);
  return out;
}

}  // namespace

void check_vision_activation(Device device, DType activation, const char* what) {
  const bool ok = activation == DType::kF32 || (device == Device::kCuda && activation == DType::kBF16);
  require(ok, ErrorCode::kInvalidArgument,
          std::string(what) + ": " + device_name(device) + " cannot compute in " + dtype_name(activation) +
              " (the CPU computes in f32; CUDA in f32 or bf16)");
}

ClipWeights place_clip_weights(const ClipWeights& w, Device device, DType activation) {
  check_vision_activation(device, activation, "vision tower");
  if (device == Device::kCpu) return w;  // f32 on the host: the ops read the mapped views directly
  ClipWeights out;
  out.patch_weight = placed(w.patch_weight, device, DType::kF32);
  out.class_embedding = placed(w.class_embedding, device, DType::kF32);
  out.position_embedding = placed(w.position_embedding, device, DType::kF32);
  out.pre_norm_weight = ops::to_device(w.pre_norm_weight, device);
  out.pre_norm_bias = ops::to_device(w.pre_norm_bias, device);
  for (const ClipLayerWeights& l : w.layers) {
    ClipLayerWeights p;
    for (auto [from, to] : {std::pair{&l.norm1_weight, &p.norm1_weight}, {&l.norm1_bias, &p.norm1_bias},
                            {&l.norm2_weight, &p.norm2_weight}, {&l.norm2_bias, &p.norm2_bias},
                            {&l.q_bias, &p.q_bias}, {&l.k_bias, &p.k_bias}, {&l.v_bias, &p.v_bias},
                            {&l.out_bias, &p.out_bias}, {&l.fc1_bias, &p.fc1_bias}, {&l.fc2_bias, &p.fc2_bias}}) {
      *to = ops::to_device(*from, device);
    }
    for (auto [from, to] : {std::pair{&l.q_weight, &p.q_weight}, {&l.k_weight, &p.k_weight},
                            {&l.v_weight, &p.v_weight}, {&l.out_weight, &p.out_weight},
                            {&l.fc1_weight, &p.fc1_weight}, {&l.fc2_weight, &p.fc2_weight}}) {
      *to = placed(*from, device, activation);
    }
    out.layers.push_back(std::move(p));
  }
  return out;
}

ProjectorWeights place_projector_weights(const ProjectorWeights& w, Device device, DType activation) {
  check_vision_activation(device, activation, "multimodal projector");
  if (device == Device::kCpu) return w;
  ProjectorWeights out;
  out.linear1_weight = placed(w.linear1_weight, device, activation);
  out.linear1_bias = ops::to_device(w.linear1_bias, device);
  out.linear2_weight = placed(w.linear2_weight, device, activation);
  out.linear2_bias = ops::to_device(w.linear2_bias, device);
  return out;
}

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
