// The text backbone described as data: global sizes plus one spec per layer (STYLE.md practice 6).
//
// Built once from the checkpoint's config (either config form, text-only or the text half of a VL
// model); everything the layers need is resolved here, including the per-layer lightning decay rates,
// so layer code never looks at config keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/model_config.h"

namespace lightvl::text {

using io::AttentionKind;

// Residual coefficients of one sub-block: out = alpha · residual + beta · sublayer(x).
struct Residual {
  float alpha = 1.0f;
  float beta = 1.0f;
};

struct LayerSpec {
  AttentionKind kind = AttentionKind::kLightning;
  Residual attention;  // picked by kind from the full/linear attention coefficients
  Residual mlp;
  // Lightning layers only: rate r_h per head, decay λ_h = exp(−r_h) (spec §3.2). Empty for softmax.
  std::vector<float> decay_rates;
};

struct BackboneSpec {
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_heads = 0;       // query heads (lightning and softmax layers)
  int64_t num_kv_heads = 0;    // softmax layers (GQA)
  int64_t head_dim = 0;
  int64_t rotary_dim = 0;      // RoPE on dims [0, rotary_dim) of each head
  double rope_theta = 0.0;
  int64_t intermediate_size = 0;
  int64_t num_experts = 0;
  int64_t experts_per_token = 0;
  float rms_norm_eps = 1e-5f;            // decoder and final norms
  float lightning_norm_eps = 1e-6f;      // lightning output norm: the remote code's default (spec §3.6)
  int block_size = 256;                  // lightning prefill block (any size gives the same math)
  bool postnorm = true;                  // residual is the normed input (spec §5)
  bool tie_word_embeddings = false;
  std::string weight_prefix;             // "" or "language_model." (VL checkpoints)
  std::vector<LayerSpec> layers;

  int64_t attention_width() const { return num_heads * head_dim; }
  int64_t kv_width() const { return num_kv_heads * head_dim; }
};

// ALiBi-style base slopes for `heads` heads (spec §3.2): 2^(−8(h+1)/heads) for a power of two, and the
// ALiBi interleaving recipe otherwise.
std::vector<double> lightning_base_slopes(int64_t heads);

// Rate r_{h,l} = s_h · (1 − l/(L−1) + 1e-5) for global layer index l of L layers (remote code form).
std::vector<float> lightning_decay_rates(int64_t heads, int64_t layer, int64_t num_layers);

// Resolves the backbone description from a parsed config. Throws Error(kBadModel) when inconsistent.
BackboneSpec backbone_spec_from_config(const io::ModelConfig& config);

}  // namespace lightvl::text
