#include "text/backbone/backbone_spec.h"

#include <cmath>

#include "core/error.h"

namespace lightvl::text {

std::vector<double> lightning_base_slopes(int64_t heads) {
  // ALiBi: for n a power of two, start = ratio = 2^(−8/n) and s_h = start·ratio^h = 2^(−8(h+1)/n).
  // Otherwise take the slopes of the closest lower power of two and fill up with every other slope of
  // twice that power (the recipe the remote code's get_slopes follows).
  auto power_of_two = [](int64_t n) {
    std::vector<double> s(static_cast<size_t>(n));
    const double start = std::pow(2.0, -8.0 / double(n));
    for (int64_t h = 0; h < n; ++h) s[size_t(h)] = std::pow(start, double(h + 1));
    return s;
  };
  const double log2n = std::log2(double(heads));
  if (log2n == std::floor(log2n)) return power_of_two(heads);
  const int64_t closest = int64_t(1) << int64_t(std::floor(log2n));
  std::vector<double> slopes = power_of_two(closest);
  const std::vector<double> extra = lightning_base_slopes(2 * closest);
  for (size_t i = 0; i < extra.size() && int64_t(slopes.size()) < heads; i += 2) slopes.push_back(extra[i]);
  return slopes;
}

std::vector<float> lightning_decay_rates(int64_t heads, int64_t layer, int64_t num_layers) {
  // Remote code: rate = slope · (1 − l/(L−1) + 1e-5), computed in f32 tensors. A one-layer model has no
  // depth ramp (the remote formula would divide by zero); treat it as layer factor 1 + 1e-5.
  const double depth = num_layers > 1 ? double(layer) / double(num_layers - 1) : 0.0;
  const float factor = float(1.0 - depth + 1e-5);
  std::vector<float> rates;
  for (double s : lightning_base_slopes(heads)) rates.push_back(float(s) * factor);
  return rates;
}

BackboneSpec backbone_spec_from_config(const io::ModelConfig& config) {
  const io::TextConfig& t = config.text;
  BackboneSpec spec;
  spec.vocab_size = t.vocab_size;
  spec.hidden_size = t.hidden_size;
  spec.num_heads = t.num_attention_heads;
  spec.num_kv_heads = t.num_key_value_heads;
  spec.head_dim = t.head_dim;
  spec.rotary_dim = t.rotary_dim;
  spec.rope_theta = t.rope_theta;
  spec.intermediate_size = t.intermediate_size;
  spec.num_experts = t.num_local_experts;
  spec.experts_per_token = t.num_experts_per_tok;
  spec.rms_norm_eps = float(t.rms_norm_eps);
  spec.block_size = int(t.block_size);
  spec.postnorm = t.postnorm;
  spec.tie_word_embeddings = t.tie_word_embeddings;
  spec.weight_prefix = config.text_weight_prefix;
  require(t.layer_kinds.size() == size_t(t.num_hidden_layers), ErrorCode::kBadModel,
          config.source + ": the layer pattern does not list num_hidden_layers layers");
  for (int64_t l = 0; l < t.num_hidden_layers; ++l) {
    LayerSpec layer;
    layer.kind = t.layer_kinds[size_t(l)];
    const io::ResidualCoefficients& attn = t.attention_residual(int(l));
    layer.attention = {float(attn.alpha), float(attn.beta)};
    layer.mlp = {float(t.mlp.alpha), float(t.mlp.beta)};
    if (layer.kind == AttentionKind::kLightning) {
      layer.decay_rates = lightning_decay_rates(t.num_attention_heads, l, t.num_hidden_layers);
    }
    spec.layers.push_back(std::move(layer));
  }
  return spec;
}

}  // namespace lightvl::text
