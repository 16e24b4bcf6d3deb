#include "text/backbone/backbone_weights.h"

#include "io/checkpoint.h"
#include "io/tensor_registry.h"
#include "ops/device_memory.h"

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

BackboneWeights place_backbone_weights(BackboneWeights w, Device device) {
  if (device == Device::kCpu) return w;
  auto place = [device](Tensor& t) { t = ops::to_device(t, device); };
  const bool tied = w.lm_head.raw() == w.embed_tokens.raw();
  place(w.embed_tokens);
  place(w.final_norm);
  if (tied) w.lm_head = w.embed_tokens; else place(w.lm_head);
  for (LayerWeights& layer : w.layers) {
    place(layer.input_norm);
    place(layer.post_attention_norm);
    std::visit([&](auto& attn) {
      if constexpr (std::is_same_v<std::decay_t<decltype(attn)>, LightningWeights>) {
        for (Tensor* t : {&attn.qkv_proj, &attn.output_gate, &attn.out_proj, &attn.norm}) place(*t);
      } else {
        for (Tensor* t : {&attn.q_proj, &attn.k_proj, &attn.v_proj, &attn.o_proj}) place(*t);
      }
    }, layer.attention);
    place(layer.moe.router);
    for (ExpertWeights& e : layer.moe.experts) {
      for (Tensor* t : {&e.w1, &e.w3, &e.w2}) place(*t);
    }
  }
  return w;
}

}  // namespace lightvl::text
