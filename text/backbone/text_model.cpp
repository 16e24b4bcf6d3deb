// The decoder stack. All buffers come from ops::empty/zeros on the model's device in the activation dtype,
// so the same code runs on the CPU (f32) and on CUDA (f32 or bf16); only the weights' placement differs.
#include "text/backbone/text_model.h"

#include "core/error.h"
#include "ops/activation.h"
#include "ops/device_memory.h"
#include "ops/embedding.h"
#include "ops/linear.h"
#include "ops/norm.h"
#include "text/backbone/lightning_attention_layer.h"
#include "text/backbone/moe_block.h"
#include "text/backbone/softmax_attention_layer.h"

namespace lightvl::text {

TextModel::TextModel(const io::Checkpoint& checkpoint, const io::ModelConfig& config, Device device,
                     DType activation, WeightFormat weights)
    : TextModel(backbone_spec_from_config(config), {}, device, activation) {
  weights_ = place_backbone_weights(load_backbone_weights(checkpoint, config, spec_), device, weights);
}

TextModel::TextModel(BackboneSpec spec, BackboneWeights weights, Device device, DType activation)
    : spec_(std::move(spec)), device_(device), activation_(activation), weights_(std::move(weights)) {
  require(activation == DType::kF32 || (activation == DType::kBF16 && device == Device::kCuda),
          ErrorCode::kUnsupported, std::string("activations in ") + dtype_name(activation) + " on " +
                                       device_name(device) + " are not supported (the CPU computes in f32)");
}

Tensor TextModel::embed(const std::vector<int32_t>& ids) const {
  Tensor out = ops::empty(activation_, {int64_t(ids.size()), spec_.hidden_size}, device_);
  embed_into(ids, out);
  return out;
}

void TextModel::embed_into(const std::vector<int32_t>& ids, Tensor& out) const {
  require(out.dtype() == activation_ && out.device() == device_ && out.rank() == 2 &&
              out.dim(0) == int64_t(ids.size()) && out.dim(1) == spec_.hidden_size,
          ErrorCode::kInternal, "embed_into: the output must be [" + std::to_string(ids.size()) + ", " +
                                    std::to_string(spec_.hidden_size) + "] on the model's device and dtype");
  ops::embedding(ids, weights_.embed_tokens, out);
}

Tensor TextModel::decoder_layer(size_t index, const Tensor& x, const SequenceBatch& batch) const {
  const LayerSpec& layer = spec_.layers[index];
  const LayerWeights& w = weights_.layers[index];
  const int64_t tokens = x.dim(0);

  Tensor n1 = ops::empty(activation_, x.shape(), device_);
  ops::rms_norm(x, w.input_norm, spec_.rms_norm_eps, n1);
  Tensor attn;
  if (layer.kind == AttentionKind::kLightning) {
    attn = lightning_attention_layer(spec_, index, std::get<LightningWeights>(w.attention), n1, batch);
  } else {
    attn = softmax_attention_layer(spec_, index, std::get<SoftmaxWeights>(w.attention), n1, batch);
  }
  Tensor h = ops::empty(activation_, {tokens, spec_.hidden_size}, device_);
  ops::scaled_add(layer.attention.alpha, spec_.postnorm ? n1 : x, layer.attention.beta, attn, h);

  Tensor n2 = ops::empty(activation_, h.shape(), device_);
  ops::rms_norm(h, w.post_attention_norm, spec_.rms_norm_eps, n2);
  Tensor mlp = moe_block(spec_, w.moe, n2);
  Tensor out = ops::empty(activation_, h.shape(), device_);
  ops::scaled_add(layer.mlp.alpha, spec_.postnorm ? n2 : h, layer.mlp.beta, mlp, out);
  return out;
}

Tensor TextModel::forward(const Tensor& embeddings, HybridState& state) const {
  return forward_batch(embeddings, SequenceBatch{{&state}, {embeddings.rank() == 2 ? embeddings.dim(0) : 0}, Tensor()});
}

Tensor TextModel::forward_batch(const Tensor& embeddings, const SequenceBatch& batch) const {
  require(embeddings.rank() == 2 && embeddings.dim(1) == spec_.hidden_size, ErrorCode::kInvalidArgument,
          "forward: embeddings must be [tokens, " + std::to_string(spec_.hidden_size) + "], got " +
              shape_string(embeddings.shape()));
  require(batch.states.size() == batch.rows.size() && batch.total_rows() == embeddings.dim(0),
          ErrorCode::kInvalidArgument, "forward: the batch's row counts do not add up to the embeddings' rows");
  for (size_t s = 0; s < batch.states.size(); ++s) batch.states[s]->reserve(batch.rows[s]);
  Tensor x = ops::to_device(embeddings, device_);  // no copy when already there
  if (x.dtype() != activation_) {  // e.g. f32 image embeddings computed on the CPU
    Tensor converted = ops::empty(activation_, x.shape(), device_);
    ops::convert(x, converted);
    x = converted;
  }
  for (size_t i = 0; i < spec_.layers.size(); ++i) x = decoder_layer(i, x, batch);
  for (size_t s = 0; s < batch.states.size(); ++s) batch.states[s]->advance(batch.rows[s]);
  Tensor normed = ops::empty(activation_, x.shape(), device_);
  ops::rms_norm(x, weights_.final_norm, spec_.rms_norm_eps, normed);
  return normed;
}

Tensor TextModel::logits(const Tensor& hidden) const {
  Tensor out = ops::empty(activation_, {hidden.dim(0), spec_.vocab_size}, device_);
  ops::linear(hidden, weights_.lm_head, nullptr, out);
  if (activation_ == DType::kF32) return out;
  Tensor widened = ops::empty(DType::kF32, out.shape(), device_);  // sampling reads f32
  ops::convert(out, widened);
  return widened;
}

}  // namespace lightvl::text
