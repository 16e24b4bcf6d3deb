// config.json, normalised: one description of the model whatever form the file was written in.
//
// Three files describe this family (spec section 1):
//  - released remote-code text config: model_type "minimax_text_01", attn_type_list of 0/1,
//    layernorm_{full_attention,linear_attention,mlp}_{alpha,beta}, postnorm, rotary_dim, rope_theta;
//  - transformers-native text config: model_type "minimax", layer_types strings, *_alpha_factor /
//    *_beta_factor, rope_parameters (or top-level rope_theta / partial_rotary_factor), no postnorm flag;
//  - VL config: model_type "minimax_vl_01" with a nested text_config (either form above) and a CLIP
//    vision_config.
// The parser maps all of them to the structs below, so no model code ever looks at a config key. Per-layer
// attention is a list of kinds, not a set of flags; optional things are std::optional, never "0 = unused".
//
// Validation is strict: a missing key, a wrong type, an inconsistent value (layer list length, head
// counts, rotary width) is an Error naming config.json, the key, the value found and what is expected.
// Unknown keys are ignored; known keys with values this build cannot run (rope scaling, sliding window, a
// shared expert, an activation other than SiLU) are refused with kUnsupported naming the key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lightvl::io {

// What a decoder layer's token mixer is (spec sections 3 and 4).
enum class AttentionKind : uint8_t {
  kLightning,  // remote attn_type_list 0, native "linear_attention"
  kSoftmax,    // remote attn_type_list 1, native "full_attention"
};

// Which of the two text config forms was read.
enum class ConfigForm : uint8_t {
  kRemote,  // released remote code, model_type "minimax_text_01"
  kNative,  // transformers-native, model_type "minimax"
};

enum class Activation : uint8_t { kGelu, kQuickGelu };  // exact erf GELU; x·sigmoid(1.702x)
enum class FeatureSelect : uint8_t { kDefault, kFull };  // drop the CLS token; keep it

const char* attention_kind_name(AttentionKind kind);  // "lightning", "softmax"
const char* config_form_name(ConfigForm form);        // "remote", "native"

// out = alpha · normed + beta · sublayer(normed) (spec section 5).
struct ResidualCoefficients {
  double alpha = 1.0;
  double beta = 1.0;
};

// The text decoder (MiniMax-Text-01 geometry, or a tiny test model of the same family).
struct TextConfig {
  ConfigForm form = ConfigForm::kRemote;
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_hidden_layers = 0;  // == layer_kinds.size()
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;  // softmax layers only; divides num_attention_heads
  int64_t head_dim = 0;             // "head_dim", else hidden_size / num_attention_heads
  int64_t rotary_dim = 0;           // even, <= head_dim: RoPE covers dims [0, rotary_dim) of each head
  double rope_theta = 0;
  int64_t intermediate_size = 0;    // per expert
  int64_t num_local_experts = 0;
  int64_t num_experts_per_tok = 0;  // in [1, num_local_experts]
  double rms_norm_eps = 0;
  int64_t block_size = 256;         // lightning prefill block (not in the released config.json)
  std::vector<AttentionKind> layer_kinds;
  ResidualCoefficients full_attention;    // softmax layers
  ResidualCoefficients linear_attention;  // lightning layers
  ResidualCoefficients mlp;
  bool postnorm = true;  // the residual is the normed input; native configs have no flag and mean true
  bool tie_word_embeddings = false;
  int64_t max_position_embeddings = 0;
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;  // empty when config.json has none

  int64_t attention_width() const { return num_attention_heads * head_dim; }  // 8192 for Text-01
  int64_t kv_width() const { return num_key_value_heads * head_dim; }         // 1024 for Text-01
  // The residual coefficients of layer `layer`'s attention (by its kind).
  const ResidualCoefficients& attention_residual(int layer) const {
    return layer_kinds[size_t(layer)] == AttentionKind::kSoftmax ? full_attention : linear_attention;
  }
};

// The CLIP vision tower (spec 1.2, 7.4).
struct VisionConfig {
  int64_t image_size = 0;
  int64_t patch_size = 0;  // divides image_size
  int64_t num_channels = 3;
  int64_t hidden_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;  // divides hidden_size
  int64_t intermediate_size = 0;
  Activation hidden_act = Activation::kGelu;
  double layer_norm_eps = 0;

  int64_t head_dim() const { return hidden_size / num_attention_heads; }
  int64_t patches_per_side() const { return image_size / patch_size; }
  int64_t num_positions() const { return patches_per_side() * patches_per_side() + 1; }  // + CLS
};

// One entry of image_grid_pinpoints, in the order config.json writes it (see spec 7.2 on which is height).
struct GridPinpoint {
  int64_t first = 0;
  int64_t second = 0;
};

// The vision half of a VL model and how its output joins the text model.
struct VisionLanguageConfig {
  VisionConfig vision;
  int64_t image_token_index = 0;  // in [0, text vocab_size)
  std::vector<GridPinpoint> image_grid_pinpoints;  // non-empty; each side a multiple of vision.image_size
  int64_t vision_feature_layer = -1;  // as written: negative counts from the end of the hidden states
  FeatureSelect feature_select = FeatureSelect::kDefault;
  Activation projector_hidden_act = Activation::kGelu;

  // vision_feature_layer as an index into the L+1 hidden states (0 = embeddings, L = last layer).
  int64_t feature_hidden_state() const {
    return vision_feature_layer >= 0 ? vision_feature_layer : vision.num_hidden_layers + 1 + vision_feature_layer;
  }
};

// The whole model. Plain data: immutable after parsing in practice, safe to share between threads.
struct ModelConfig {
  std::string source;      // the config.json path, for messages
  std::string model_type;  // top-level: "minimax_text_01", "minimax" or "minimax_vl_01"
  TextConfig text;
  std::optional<VisionLanguageConfig> vl;  // set for minimax_vl_01
  // Prefix of every text tensor name: "language_model." in VL checkpoints, "" otherwise (spec 2.2).
  std::string text_weight_prefix;

  bool is_vl() const { return vl.has_value(); }
};

// Reads `<model_dir>/config.json`, or the file itself when `path` is a regular file.
// Throws Error(kNotFound) when it does not exist, Error(kBadModel) for invalid JSON or invalid values,
// Error(kUnsupported) for valid values this build cannot run. Messages name the file and the key.
// Thread-safe.
ModelConfig load_model_config(const std::filesystem::path& path);

// Parses an already-read config. `source` names it in messages. Same errors as load_model_config.
ModelConfig parse_model_config(const nlohmann::json& config, const std::string& source);

}  // namespace lightvl::io
