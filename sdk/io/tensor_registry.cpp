// The tensor registry: names from the constants in the header, shapes from the normalised config.
// The lists follow checkpoint order (globals, then layer by layer) so that messages listing the first
// missing tensors read naturally.
#include "io/tensor_registry.h"

namespace lightvl::io {
namespace {

constexpr std::string_view kVisionRoot = "vision_tower.vision_model.";

std::string cat(std::string_view a, std::string_view b) {
  std::string s(a);
  s += b;
  return s;
}

}  // namespace

std::string global_tensor(const ModelConfig& cfg, std::string_view name) { return cat(cfg.text_weight_prefix, name); }

std::string layer_tensor(const ModelConfig& cfg, int layer, std::string_view suffix) {
  return cfg.text_weight_prefix + "model.layers." + std::to_string(layer) + "." + std::string(suffix);
}

std::string expert_tensor(const ModelConfig& cfg, int layer, int expert, ExpertMatrix matrix) {
  const char* w = matrix == ExpertMatrix::kGate ? "w1" : matrix == ExpertMatrix::kDown ? "w2" : "w3";
  return layer_tensor(cfg, layer, "block_sparse_moe.experts." + std::to_string(expert) + "." + w + ".weight");
}

std::string vision_tensor(std::string_view suffix) { return cat(kVisionRoot, suffix); }

std::string vision_layer_tensor(int layer, std::string_view suffix) {
  return cat(kVisionRoot, "encoder.layers." + std::to_string(layer) + "." + std::string(suffix));
}

std::vector<TensorSpec> text_tensor_specs(const ModelConfig& cfg) {
  const TextConfig& t = cfg.text;
  const int64_t hidden = t.hidden_size;
  const int64_t width = t.attention_width();
  std::vector<TensorSpec> specs;
  specs.push_back({global_tensor(cfg, kEmbedTokens), {t.vocab_size, hidden}});
  specs.push_back({global_tensor(cfg, kFinalNorm), {hidden}});
  specs.push_back({global_tensor(cfg, kLmHead), {t.vocab_size, hidden}, !t.tie_word_embeddings});

  for (int layer = 0; layer < int(t.num_hidden_layers); ++layer) {
    auto add = [&](std::string_view suffix, Shape shape) { specs.push_back({layer_tensor(cfg, layer, suffix), shape}); };
    add(kInputNorm, {hidden});
    add(kPostAttentionNorm, {hidden});
    if (t.layer_kinds[size_t(layer)] == AttentionKind::kLightning) {
      add(kLightningQkv, {3 * width, hidden});
      add(kLightningGate, {width, hidden});
      add(kLightningOut, {hidden, width});
      add(kLightningNorm, {width});
    } else {
      add(kQProj, {width, hidden});
      add(kKProj, {t.kv_width(), hidden});
      add(kVProj, {t.kv_width(), hidden});
      add(kOProj, {hidden, width});
    }
    add(kRouter, {t.num_local_experts, hidden});
    for (int e = 0; e < int(t.num_local_experts); ++e) {
      specs.push_back({expert_tensor(cfg, layer, e, ExpertMatrix::kGate), {t.intermediate_size, hidden}});
      specs.push_back({expert_tensor(cfg, layer, e, ExpertMatrix::kUp), {t.intermediate_size, hidden}});
      specs.push_back({expert_tensor(cfg, layer, e, ExpertMatrix::kDown), {hidden, t.intermediate_size}});
    }
  }
  return specs;
}

// The vision tower keeps its own names in VL checkpoints: only the text half moved under
// "language_model.", so no prefix here.
std::vector<TensorSpec> vision_tensor_specs(const ModelConfig& cfg) {
  std::vector<TensorSpec> specs;
  if (!cfg.vl) return specs;
  const VisionConfig& v = cfg.vl->vision;
  const int64_t hidden = v.hidden_size;
  const int64_t text_hidden = cfg.text.hidden_size;

  specs.push_back({vision_tensor(kClassEmbedding), {hidden}});
  specs.push_back({vision_tensor(kPatchEmbedding), {hidden, v.num_channels, v.patch_size, v.patch_size}});
  specs.push_back({vision_tensor(kPositionEmbedding), {v.num_positions(), hidden}});
  specs.push_back({vision_tensor(kPreNormWeight), {hidden}});
  specs.push_back({vision_tensor(kPreNormBias), {hidden}});
  for (int layer = 0; layer < int(v.num_hidden_layers); ++layer) {
    // Every encoder matrix has a bias of its output width.
    auto add_linear = [&](std::string_view base, int64_t out, int64_t in) {
      specs.push_back({vision_layer_tensor(layer, cat(base, ".weight")), {out, in}});
      specs.push_back({vision_layer_tensor(layer, cat(base, ".bias")), {out}});
    };
    auto add_norm = [&](std::string_view base) {
      specs.push_back({vision_layer_tensor(layer, cat(base, ".weight")), {hidden}});
      specs.push_back({vision_layer_tensor(layer, cat(base, ".bias")), {hidden}});
    };
    add_linear(kVisionK, hidden, hidden);
    add_linear(kVisionV, hidden, hidden);
    add_linear(kVisionQ, hidden, hidden);
    add_linear(kVisionOut, hidden, hidden);
    add_norm(kVisionNorm1);
    add_linear(kVisionFc1, v.intermediate_size, hidden);
    add_linear(kVisionFc2, hidden, v.intermediate_size);
    add_norm(kVisionNorm2);
  }
  specs.push_back({std::string(kProjector1Weight), {text_hidden, hidden}});
  specs.push_back({std::string(kProjector1Bias), {text_hidden}});
  specs.push_back({std::string(kProjector2Weight), {text_hidden, text_hidden}});
  specs.push_back({std::string(kProjector2Bias), {text_hidden}});
  specs.push_back({std::string(kImageNewline), {text_hidden}});
  return specs;
}

std::vector<TensorSpec> expected_tensors(const ModelConfig& cfg) {
  std::vector<TensorSpec> specs = text_tensor_specs(cfg);
  std::vector<TensorSpec> vision = vision_tensor_specs(cfg);
  specs.insert(specs.end(), std::make_move_iterator(vision.begin()), std::make_move_iterator(vision.end()));
  return specs;
}

bool is_derived_buffer(std::string_view name) {
  for (std::string_view suffix : {"slope_rate", "query_decay", "key_decay", "diagonal_decay"}) {
    if (name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix) return true;
  }
  return false;
}

}  // namespace lightvl::io
