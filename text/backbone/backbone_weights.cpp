#include "text/backbone/backbone_weights.h"

#include "io/checkpoint.h"
#include "io/tensor_registry.h"
#include "ops/device_memory.h"
#include "ops/quantize.h"

namespace lightvl::text {
namespace {

LightningWeights lightning_weights(const io::Checkpoint& ckpt, const io::ModelConfig& cfg, int layer) {
  return {ckpt.get(io::layer_tensor(cfg, layer, io::kLightningQkv)),
          ckpt.get(io::layer_tensor(cfg, layer, io::kLightningGate)),
          ckpt.get(io::layer_tensor(cfg, layer, io::kLightningOut)),
          ckpt.get(io::layer_tensor(cfg, layer, io::kLightningNorm))};
}

SoftmaxWeights softmax_weights(const io::Checkpoint& ckpt, const io::ModelConfig& cfg, int layer) {
  return {ckpt.get(io::layer_tensor(cfg, layer, io::kQProj)), ckpt.get(io::layer_tensor(cfg, layer, io::kKProj)),
          ckpt.get(io::layer_tensor(cfg, layer, io::kVProj)), ckpt.get(io::layer_tensor(cfg, layer, io::kOProj))};
}

MoeWeights moe_weights(const io::Checkpoint& ckpt, const io::ModelConfig& cfg, int layer, int64_t experts) {
  MoeWeights moe;
  moe.router = ckpt.get(io::layer_tensor(cfg, layer, io::kRouter));
  for (int e = 0; e < experts; ++e) {
    moe.experts.push_back({ckpt.get(io::expert_tensor(cfg, layer, e, io::ExpertMatrix::kGate)),
                           ckpt.get(io::expert_tensor(cfg, layer, e, io::ExpertMatrix::kUp)),
                           ckpt.get(io::expert_tensor(cfg, layer, e, io::ExpertMatrix::kDown))});
  }
  return moe;
}

}  // namespace

BackboneWeights load_backbone_weights(const io::Checkpoint& checkpoint, const io::ModelConfig& config,
                                      const BackboneSpec& spec) {
  BackboneWeights w;
  w.embed_tokens = checkpoint.get(io::global_tensor(config, io::kEmbedTokens));
  w.final_norm = checkpoint.get(io::global_tensor(config, io::kFinalNorm));
  const std::string lm_head = io::global_tensor(config, io::kLmHead);
  w.lm_head = spec.tie_word_embeddings && !checkpoint.has(lm_head) ? w.embed_tokens : checkpoint.get(lm_head);
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const int layer = int(i);
    LayerWeights lw;
    lw.input_norm = checkpoint.get(io::layer_tensor(config, layer, io::kInputNorm));
    lw.post_attention_norm = checkpoint.get(io::layer_tensor(config, layer, io::kPostAttentionNorm));
    if (spec.layers[i].kind == AttentionKind::kLightning) {
      lw.attention = lightning_weights(checkpoint, config, layer);
    } else {
      lw.attention = softmax_weights(checkpoint, config, layer);
    }
    lw.moe = moe_weights(checkpoint, config, layer, spec.num_experts);
    w.layers.push_back(std::move(lw));
  }
  return w;
}

const char* weight_format_name(WeightFormat format) {
  return format == WeightFormat::kInt8 ? "int8" : "checkpoint";
}

namespace {

// Calls tensor(t) for each weight that keeps its dtype and projection(p) for each projection matrix.
// The lm_head is visited only when it is not the (tied) embedding.
template <typename Weights, typename OnTensor, typename OnProjection>
void visit_weights(Weights& w, OnTensor&& tensor, OnProjection&& projection) {
  tensor(w.embed_tokens);
  tensor(w.final_norm);
  if (w.lm_head.raw() != w.embed_tokens.raw()) tensor(w.lm_head);
  for (auto& layer : w.layers) {
    tensor(layer.input_norm);
    tensor(layer.post_attention_norm);
    std::visit([&](auto& attn) {
      if constexpr (std::is_same_v<std::decay_t<decltype(attn)>, LightningWeights>) {
        projection(attn.qkv_proj);
        projection(attn.output_gate);
        projection(attn.out_proj);
        tensor(attn.norm);
      } else {
        for (auto* p : {&attn.q_proj, &attn.k_proj, &attn.v_proj, &attn.o_proj}) projection(*p);
      }
    }, layer.attention);
    tensor(layer.moe.router);
    for (auto& e : layer.moe.experts) {
      for (auto* p : {&e.w1, &e.w3, &e.w2}) projection(*p);
    }
  }
}

}  // namespace

BackboneWeights place_backbone_weights(BackboneWeights w, Device device, WeightFormat format) {
  if (device == Device::kCpu && format == WeightFormat::kCheckpoint) return w;
  const bool tied = w.lm_head.raw() == w.embed_tokens.raw();
  auto place = [device](Tensor& t) { t = ops::to_device(t, device); };
  auto place_projection = [&](LinearWeight& p) {
    if (format == WeightFormat::kCheckpoint) {
      p = LinearWeight(ops::to_device(p, device));
      return;
    }
    const LinearWeight q = ops::quantize_int8(ops::to_device(p, Device::kCpu));
    p = LinearWeight(ops::to_device(q, device), ops::to_device(q.scales, device));
  };
  visit_weights(w, place, place_projection);
  if (tied) w.lm_head = w.embed_tokens;
  return w;
}

uint64_t held_weight_bytes(const BackboneWeights& w) {
  uint64_t bytes = 0;
  visit_weights(w, [&](const Tensor& t) { bytes += t.nbytes(); },
                [&](const LinearWeight& p) { bytes += p.held_bytes(); });
  return bytes;
}

}  // namespace lightvl::text
