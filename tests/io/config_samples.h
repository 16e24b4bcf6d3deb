// config.json documents for the tests, with the values of the released checkpoints as the reference
// (spec sections 1.1 and 1.2: MiniMax-Text-01 and MiniMax-VL-01, read from their config.json files).
#pragma once

#include <nlohmann/json.hpp>

namespace lightvl::io::testing {

// The DeepNorm alpha (2 · 80)^(1/4) the released configs carry for every residual.
inline constexpr double kReleasedAlpha = 3.5565588200778455;

// MiniMax-Text-01's config.json, remote form (spec 1.1).
inline nlohmann::json released_text_config() {
  nlohmann::json attn = nlohmann::json::array();
  for (int i = 0; i < 80; ++i) attn.push_back((i + 1) % 8 == 0 ? 1 : 0);
  return {
      {"architectures", {"MiniMaxText01ForCausalLM"}},
      {"model_type", "minimax_text_01"},
      {"attention_dropout", 0.0},
      {"attn_type_list", attn},
      {"bos_token_id", nullptr},
      {"eos_token_id", nullptr},
      {"head_dim", 128},
      {"hidden_act", "silu"},
      {"hidden_size", 6144},
      {"initializer_range", 0.02},
      {"intermediate_size", 9216},
      {"layernorm_full_attention_alpha", kReleasedAlpha},
      {"layernorm_full_attention_beta", 1.0},
      {"layernorm_linear_attention_alpha", kReleasedAlpha},
      {"layernorm_linear_attention_beta", 1.0},
      {"layernorm_mlp_alpha", kReleasedAlpha},
      {"layernorm_mlp_beta", 1.0},
      {"max_position_embeddings", 10240000},
      {"num_attention_heads", 64},
      {"num_experts_per_tok", 2},
      {"num_hidden_layers", 80},
      {"num_key_value_heads", 8},
      {"num_local_experts", 32},
      {"output_router_logits", false},
      {"postnorm", true},
      {"rms_norm_eps", 1e-05},
      {"rope_scaling", nullptr},
      {"rope_theta", 10000000},
      {"rotary_dim", 64},
      {"router_aux_loss_coef", 0.001},
      {"router_jitter_noise", 0.0},
      {"shared_intermediate_size", 0},
      {"shared_moe_mode", "sigmoid"},
      {"sliding_window", nullptr},
      {"tie_word_embeddings", false},
      {"torch_dtype", "bfloat16"},
      {"vocab_size", 200064},
  };
}

// The same model in the transformers-native form (model_type "minimax", spec 1.1 "Native renames"),
// with RoPE settings in v5's rope_parameters.
inline nlohmann::json native_text_config() {
  nlohmann::json layer_types = nlohmann::json::array();
  for (int i = 0; i < 80; ++i) layer_types.push_back((i + 1) % 8 == 0 ? "full_attention" : "linear_attention");
  return {
      {"architectures", {"MiniMaxForCausalLM"}},
      {"model_type", "minimax"},
      {"layer_types", layer_types},
      {"block_size", 256},
      {"full_attn_alpha_factor", kReleasedAlpha},
      {"full_attn_beta_factor", 1.0},
      {"linear_attn_alpha_factor", kReleasedAlpha},
      {"linear_attn_beta_factor", 1.0},
      {"mlp_alpha_factor", kReleasedAlpha},
      {"mlp_beta_factor", 1.0},
      {"head_dim", 128},
      {"hidden_act", "silu"},
      {"hidden_size", 6144},
      {"intermediate_size", 9216},
      {"max_position_embeddings", 10240000},
      {"num_attention_heads", 64},
      {"num_experts_per_tok", 2},
      {"num_hidden_layers", 80},
      {"num_key_value_heads", 8},
      {"num_local_experts", 32},
      {"rms_norm_eps", 1e-05},
      {"rope_parameters", {{"rope_type", "default"}, {"rope_theta", 10000000.0}, {"partial_rotary_factor", 0.5}}},
      {"sliding_window", nullptr},
      {"tie_word_embeddings", false},
      {"vocab_size", 200064},
      {"bos_token_id", 200019},
      {"eos_token_id", 200020},
  };
}

// The 28 image_grid_pinpoints of MiniMax-VL-01 (spec 1.2), in file order.
inline nlohmann::json released_pinpoints() {
  return {{336, 336},   {336, 672},   {336, 1008},  {336, 1344},  {336, 1680},  {336, 2016},  {672, 336},
          {672, 672},   {672, 1008},  {672, 1344},  {672, 1680},  {672, 2016},  {1008, 336}, {1008, 672},
          {1008, 1008}, {1008, 1344}, {1008, 1680}, {1008, 2016}, {1344, 336},  {1344, 672}, {1344, 1008},
          {1344, 1344}, {1680, 336},  {1680, 672},  {1680, 1008}, {2016, 336},  {2016, 672}, {2016, 1008}};
}

// MiniMax-VL-01's config.json (spec 1.2) around `text_config`.
inline nlohmann::json released_vl_config(nlohmann::json text_config) {
  return {
      {"architectures", {"MiniMaxVL01ForConditionalGeneration"}},
      {"model_type", "minimax_vl_01"},
      {"ignore_index", -100},
      {"image_grid_pinpoints", released_pinpoints()},
      {"image_token_index", 200025},
      {"projector_hidden_act", "gelu"},
      {"text_config", std::move(text_config)},
      {"vision_config",
       {{"model_type", "clip_vision_model"},
        {"hidden_act", "gelu"},
        {"hidden_size", 1024},
        {"image_size", 336},
        {"intermediate_size", 4096},
        {"layer_norm_eps", 1e-05},
        {"num_attention_heads", 16},
        {"num_channels", 3},
        {"num_hidden_layers", 24},
        {"patch_size", 14},
        {"projection_dim", 6144},
        {"vocab_size", 32000}}},
      {"vision_feature_layer", -1},
      {"vision_feature_select_strategy", "default"},
  };
}

// The text_config inside MiniMax-VL-01's config.json: Text-01's values except these two (spec 1.2).
inline nlohmann::json released_vl_text_config() {
  nlohmann::json t = released_text_config();
  t["max_position_embeddings"] = 8192;
  t["shared_intermediate_size"] = {0};
  return t;
}

}  // namespace lightvl::io::testing
