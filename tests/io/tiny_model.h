// A tiny model of the family for checkpoint tests, with its tensor list written out by hand from the
// spec (sections 2.1 and 2.2) rather than produced by the registry under test.
//
// Text: vocab 16, hidden 8, 2 layers (0 lightning, 1 softmax), 2 heads of 4 (width 8), 1 kv head,
// 2 experts of intermediate 6. Vision: 28 px images of 14 px patches (2 × 2 + 1 = 5 positions),
// hidden 4, 1 layer, 2 heads, intermediate 8.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tensor.h"

namespace lightvl::io::testing {

inline nlohmann::json tiny_text_config() {
  return {{"model_type", "minimax_text_01"},
          {"vocab_size", 16},
          {"hidden_size", 8},
          {"num_hidden_layers", 2},
          {"attn_type_list", {0, 1}},
          {"num_attention_heads", 2},
          {"num_key_value_heads", 1},
          {"head_dim", 4},
          {"rotary_dim", 2},
          {"rope_theta", 10000.0},
          {"intermediate_size", 6},
          {"num_local_experts", 2},
          {"num_experts_per_tok", 2},
          {"rms_norm_eps", 1e-5},
          {"max_position_embeddings", 64},
          {"layernorm_full_attention_alpha", 1.5},
          {"layernorm_full_attention_beta", 1.0},
          {"layernorm_linear_attention_alpha", 1.5},
          {"layernorm_linear_attention_beta", 1.0},
          {"layernorm_mlp_alpha", 1.5},
          {"layernorm_mlp_beta", 1.0},
          {"postnorm", true}};
}

inline nlohmann::json tiny_vl_config() {
  return {{"model_type", "minimax_vl_01"},
          {"text_config", tiny_text_config()},
          {"vision_config",
           {{"image_size", 28},
            {"patch_size", 14},
            {"num_channels", 3},
            {"hidden_size", 4},
            {"num_hidden_layers", 1},
            {"num_attention_heads", 2},
            {"intermediate_size", 8},
            {"hidden_act", "gelu"},
            {"layer_norm_eps", 1e-5}}},
          {"image_token_index", 15},
          {"image_grid_pinpoints", {{28, 28}, {28, 56}}},
          {"vision_feature_layer", -1},
          {"vision_feature_select_strategy", "default"},
          {"projector_hidden_act", "gelu"}};
}

using NamedShape = std::pair<std::string, Shape>;

// Spec 2.1 for the tiny text model; `p` is "" or "language_model.".
inline std::vector<NamedShape> tiny_text_tensors(const std::string& p = "") {
  std::vector<NamedShape> t = {
      {p + "model.embed_tokens.weight", {16, 8}},
      {p + "model.norm.weight", {8}},
      {p + "lm_head.weight", {16, 8}},
      {p + "model.layers.0.input_layernorm.weight", {8}},
      {p + "model.layers.0.post_attention_layernorm.weight", {8}},
      {p + "model.layers.0.self_attn.qkv_proj.weight", {24, 8}},
      {p + "model.layers.0.self_attn.output_gate.weight", {8, 8}},
      {p + "model.layers.0.self_attn.out_proj.weight", {8, 8}},
      {p + "model.layers.0.self_attn.norm.weight", {8}},
      {p + "model.layers.0.block_sparse_moe.gate.weight", {2, 8}},
      {p + "model.layers.1.input_layernorm.weight", {8}},
      {p + "model.layers.1.post_attention_layernorm.weight", {8}},
      {p + "model.layers.1.self_attn.q_proj.weight", {8, 8}},
      {p + "model.layers.1.self_attn.k_proj.weight", {4, 8}},
      {p + "model.layers.1.self_attn.v_proj.weight", {4, 8}},
      {p + "model.layers.1.self_attn.o_proj.weight", {8, 8}},
      {p + "model.layers.1.block_sparse_moe.gate.weight", {2, 8}},
  };
  for (const char* layer : {"0", "1"}) {
    for (const char* e : {"0", "1"}) {
      const std::string base = p + "model.layers." + layer + ".block_sparse_moe.experts." + e + ".";
      t.push_back({base + "w1.weight", {6, 8}});
      t.push_back({base + "w2.weight", {8, 6}});
      t.push_back({base + "w3.weight", {6, 8}});
    }
  }
  return t;
}

// Spec 2.2 for the tiny vision tower, projector and newline.
inline std::vector<NamedShape> tiny_vision_tensors() {
  const std::string v = "vision_tower.vision_model.";
  const std::string l = v + "encoder.layers.0.";
  return {
      {v + "embeddings.class_embedding", {4}},
      {v + "embeddings.patch_embedding.weight", {4, 3, 14, 14}},
      {v + "embeddings.position_embedding.weight", {5, 4}},
      {v + "pre_layrnorm.weight", {4}},
      {v + "pre_layrnorm.bias", {4}},
      {l + "self_attn.q_proj.weight", {4, 4}},
      {l + "self_attn.q_proj.bias", {4}},
      {l + "self_attn.k_proj.weight", {4, 4}},
      {l + "self_attn.k_proj.bias", {4}},
      {l + "self_attn.v_proj.weight", {4, 4}},
      {l + "self_attn.v_proj.bias", {4}},
      {l + "self_attn.out_proj.weight", {4, 4}},
      {l + "self_attn.out_proj.bias", {4}},
      {l + "layer_norm1.weight", {4}},
      {l + "layer_norm1.bias", {4}},
      {l + "layer_norm2.weight", {4}},
      {l + "layer_norm2.bias", {4}},
      {l + "mlp.fc1.weight", {8, 4}},
      {l + "mlp.fc1.bias", {8}},
      {l + "mlp.fc2.weight", {4, 8}},
      {l + "mlp.fc2.bias", {4}},
      {"multi_modal_projector.linear_1.weight", {8, 4}},
      {"multi_modal_projector.linear_1.bias", {8}},
      {"multi_modal_projector.linear_2.weight", {8, 8}},
      {"multi_modal_projector.linear_2.bias", {8}},
      {"image_newline", {8}},
  };
}

}  // namespace lightvl::io::testing
