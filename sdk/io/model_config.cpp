// parse_model_config: reads the three config.json forms into ModelConfig.
//
// Structure: the keys both text forms share are read once (parse_text); only the per-layer list and the
// residual coefficients differ by form (read_remote_layers / read_native_layers). A VL config is a text
// config under "text_config" plus the vision keys. Defaults exist only where the reference code has a
// fixed constant (block_size 256, head_dim = hidden / heads, rotary_dim = head_dim, tie = false); every
// key that changes the numbers is required, so a misspelt key fails instead of silently defaulting.
#include "io/model_config.h"

#include <cmath>

#include "core/error.h"
#include "io/json_fields.h"
#include "io/json_file.h"

namespace lightvl::io {
namespace {

using nlohmann::json;

constexpr const char* kRemoteTextType = "minimax_text_01";
constexpr const char* kNativeTextType = "minimax";
constexpr const char* kVlType = "minimax_vl_01";

// ---- pieces shared by both text forms ---------------------------------------------------------------

// rope_theta and rotary_dim. Native v5 configs nest the RoPE settings in "rope_parameters"; older ones
// (and the remote form) keep them at the top. When both places hold a value they must agree, because we
// cannot tell which one the writer meant.
void read_rope(const JsonFields& f, TextConfig& c) {
  std::optional<double> theta = f.optional_number("rope_theta", true);
  std::optional<double> partial = f.optional_number("partial_rotary_factor", true);
  if (f.has("rope_parameters")) {
    const JsonFields rope = f.object("rope_parameters");
    if (const auto type = rope.optional_string("rope_type"); type && *type != "default") {
      rope.fail_value("rope_type", *rope.find("rope_type"), "\"default\" (scaled RoPE is not supported)",
                      ErrorCode::kUnsupported);
    }
    auto merge = [&](std::optional<double>& top, const char* key) {
      const std::optional<double> nested = rope.optional_number(key, true);
      if (nested && top && *nested != *top) {
        rope.fail_value(key, *rope.find(key), "the same value as the top-level \"" + std::string(key) + "\" (" +
                                                  json(*top).dump() + ")");
      }
      if (nested) top = nested;
    };
    merge(theta, "rope_theta");
    merge(partial, "partial_rotary_factor");
  }
  if (!theta) f.fail_missing("rope_theta", "a positive number (at the top level or in \"rope_parameters\")");
  c.rope_theta = *theta;

  if (const json* scaling = f.find("rope_scaling")) {
    // Accept only an explicit plain type; "rope_type" is the current spelling, "type" the old one.
    const json* type = nullptr;
    if (scaling->is_object()) {
      const auto it = scaling->contains("rope_type") ? scaling->find("rope_type") : scaling->find("type");
      if (it != scaling->end()) type = &*it;
    }
    const bool plain = type && type->is_string() && type->get<std::string>() == "default";
    if (!plain) f.fail_value("rope_scaling", *scaling, "null (RoPE scaling is not supported)", ErrorCode::kUnsupported);
  }

  // rotary_dim: explicit, else partial_rotary_factor × head_dim, else the whole head.
  if (f.has("rotary_dim")) {
    c.rotary_dim = f.int_in("rotary_dim", 1, c.head_dim);
    if (c.rotary_dim % 2 != 0) f.fail_value("rotary_dim", *f.find("rotary_dim"), "an even number (RoPE rotates pairs)");
  } else if (partial) {
    const double dims = *partial * double(c.head_dim);
    const std::string key = f.has("partial_rotary_factor") ? "partial_rotary_factor" : "rope_parameters.partial_rotary_factor";
    const std::string expected = "a factor in (0, 1] whose product with head_dim " + std::to_string(c.head_dim) +
                                 " is an even integer";
    const int64_t rounded = int64_t(std::round(dims));
    if (*partial > 1 || std::abs(dims - double(rounded)) > 1e-6 || rounded < 2 || rounded % 2 != 0) {
      f.fail_value(key, json(*partial), expected);
    }
    c.rotary_dim = rounded;
  } else {
    c.rotary_dim = c.head_dim;
  }
}

// eos_token_id is an integer or a list of integers in Hugging Face configs.
void read_special_tokens(const JsonFields& f, TextConfig& c) {
  c.bos_token_id = f.optional_int_in("bos_token_id", 0, c.vocab_size - 1);
  const json* eos = f.find("eos_token_id");
  if (!eos) return;
  const std::string expected = "a token id in [0, " + std::to_string(c.vocab_size - 1) + "] or a list of them";
  const json list = eos->is_array() ? *eos : json::array({*eos});
  for (const json& id : list) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= c.vocab_size) {
      f.fail_value("eos_token_id", *eos, expected);
    }
    c.eos_token_ids.push_back(id.get<int64_t>());
  }
}

// Keys whose every value but one is a feature we do not implement: refuse instead of computing
// something else silently.
void refuse_unsupported_features(const JsonFields& f) {
  if (const auto act = f.optional_string("hidden_act"); act && *act != "silu") {
    f.fail_value("hidden_act", *f.find("hidden_act"), "\"silu\"", ErrorCode::kUnsupported);
  }
  if (const json* window = f.find("sliding_window")) {
    f.fail_value("sliding_window", *window, "null (sliding-window attention is not supported)", ErrorCode::kUnsupported);
  }
  // No shared expert: 0 in the text config, [0] in the VL text_config.
  if (const json* shared = f.find("shared_intermediate_size")) {
    const json list = shared->is_array() ? *shared : json::array({*shared});
    for (const json& v : list) {
      if (!v.is_number_integer() || v.get<int64_t>() != 0) {
        f.fail_value("shared_intermediate_size", *shared, "0 or [0] (shared experts are not supported)",
                     ErrorCode::kUnsupported);
      }
    }
  }
}

ResidualCoefficients read_residual(const JsonFields& f, const std::string& alpha_key, const std::string& beta_key) {
  return {f.number(alpha_key), f.number(beta_key)};
}

// ---- the two forms of the per-layer description ------------------------------------------------------

void read_remote_layers(const JsonFields& f, TextConfig& c) {
  const json& list = f.array("attn_type_list");
  if (int64_t(list.size()) != c.num_hidden_layers) {
    f.fail_value("attn_type_list", list, std::to_string(c.num_hidden_layers) + " entries (num_hidden_layers), found " +
                                             std::to_string(list.size()));
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const json& v = list[i];
    if (!v.is_number_integer() || (v.get<int64_t>() != 0 && v.get<int64_t>() != 1)) {
      f.fail_value("attn_type_list[" + std::to_string(i) + "]", v, "0 (lightning) or 1 (softmax)");
    }
    c.layer_kinds.push_back(v.get<int64_t>() == 1 ? AttentionKind::kSoftmax : AttentionKind::kLightning);
  }
  c.full_attention = read_residual(f, "layernorm_full_attention_alpha", "layernorm_full_attention_beta");
  c.linear_attention = read_residual(f, "layernorm_linear_attention_alpha", "layernorm_linear_attention_beta");
  c.mlp = read_residual(f, "layernorm_mlp_alpha", "layernorm_mlp_beta");
  c.postnorm = f.boolean("postnorm");
}

void read_native_layers(const JsonFields& f, TextConfig& c) {
  const json& list = f.array("layer_types");
  if (int64_t(list.size()) != c.num_hidden_layers) {
    f.fail_value("layer_types", list, std::to_string(c.num_hidden_layers) + " entries (num_hidden_layers), found " +
                                          std::to_string(list.size()));
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const json& v = list[i];
    const std::string kind = v.is_string() ? v.get<std::string>() : std::string();
    if (kind != "linear_attention" && kind != "full_attention") {
      f.fail_value("layer_types[" + std::to_string(i) + "]", v, "\"linear_attention\" or \"full_attention\"",
                   v.is_string() ? ErrorCode::kUnsupported : ErrorCode::kBadModel);
    }
    c.layer_kinds.push_back(kind == "full_attention" ? AttentionKind::kSoftmax : AttentionKind::kLightning);
  }
  c.full_attention = read_residual(f, "full_attn_alpha_factor", "full_attn_beta_factor");
  c.linear_attention = read_residual(f, "linear_attn_alpha_factor", "linear_attn_beta_factor");
  c.mlp = read_residual(f, "mlp_alpha_factor", "mlp_beta_factor");
  c.postnorm = true;  // the native decoder layer has only the postnorm path (spec 1.1)
}

// The form of a text config: from model_type, or (a VL text_config written without one) from which
// layer list it carries.
ConfigForm text_form(const JsonFields& f) {
  if (const auto type = f.optional_string("model_type")) {
    if (*type == kRemoteTextType) return ConfigForm::kRemote;
    if (*type == kNativeTextType) return ConfigForm::kNative;
    f.fail_value("model_type", *f.find("model_type"), "\"minimax_text_01\" or \"minimax\"", ErrorCode::kUnsupported);
  }
  if (f.has("attn_type_list")) return ConfigForm::kRemote;
  if (f.has("layer_types")) return ConfigForm::kNative;
  f.fail_missing("model_type", "\"minimax_text_01\" or \"minimax\"");
}

// Order matters only for messages: sizes first, because later checks quote them (e.g. the rotary
// width against head_dim, token ids against vocab_size).
TextConfig parse_text(const JsonFields& f) {
  TextConfig c;
  c.form = text_form(f);
  c.vocab_size = f.int_in("vocab_size");
  c.hidden_size = f.int_in("hidden_size");
  c.num_hidden_layers = f.int_in("num_hidden_layers", 1, 100000);  // bounds the per-layer lists we allocate
  c.num_attention_heads = f.int_in("num_attention_heads");
  c.num_key_value_heads = f.int_in("num_key_value_heads");
  if (c.num_attention_heads % c.num_key_value_heads != 0) {
    f.fail_value("num_key_value_heads", *f.find("num_key_value_heads"),
                 "a divisor of num_attention_heads (" + std::to_string(c.num_attention_heads) + ")");
  }
  if (f.has("head_dim")) {
    c.head_dim = f.int_in("head_dim");
  } else if (c.hidden_size % c.num_attention_heads == 0) {
    c.head_dim = c.hidden_size / c.num_attention_heads;
  } else {
    f.fail_missing("head_dim", "an integer (hidden_size " + std::to_string(c.hidden_size) +
                                   " is not divisible by num_attention_heads " + std::to_string(c.num_attention_heads) +
                                   ", so it cannot be derived)");
  }
  if (c.attention_width() * 3 > JsonFields::kMaxSize) {
    f.fail_value("head_dim", json(c.head_dim), "num_attention_heads × head_dim × 3 below 2^31");
  }
  read_rope(f, c);
  c.intermediate_size = f.int_in("intermediate_size");
  c.num_local_experts = f.int_in("num_local_experts", 1, 1 << 16);
  c.num_experts_per_tok = f.int_in("num_experts_per_tok", 1, c.num_local_experts);
  c.rms_norm_eps = f.number("rms_norm_eps", true);
  c.block_size = f.optional_int_in("block_size", 1, 1 << 16).value_or(256);
  c.tie_word_embeddings = f.optional_boolean("tie_word_embeddings").value_or(false);
  c.max_position_embeddings = f.int_in("max_position_embeddings", 1, INT64_MAX);
  read_special_tokens(f, c);
  refuse_unsupported_features(f);
  if (c.form == ConfigForm::kRemote) {
    read_remote_layers(f, c);
  } else {
    read_native_layers(f, c);
  }
  return c;
}

// ---- the vision half of a VL config ------------------------------------------------------------------

Activation read_activation(const JsonFields& f, const char* key) {
  const std::string act = f.string(key);
  if (act == "gelu") return Activation::kGelu;
  if (act == "quick_gelu") return Activation::kQuickGelu;
  f.fail_value(key, *f.find(key), "\"gelu\" or \"quick_gelu\"", ErrorCode::kUnsupported);
}

VisionConfig parse_vision(const JsonFields& f) {
  if (const auto type = f.optional_string("model_type"); type && *type != "clip_vision_model") {
    f.fail_value("model_type", *f.find("model_type"), "\"clip_vision_model\"", ErrorCode::kUnsupported);
  }
  VisionConfig v;
  v.image_size = f.int_in("image_size");
  v.patch_size = f.int_in("patch_size", 1, v.image_size);
  if (v.image_size % v.patch_size != 0) {
    f.fail_value("patch_size", *f.find("patch_size"), "a divisor of image_size (" + std::to_string(v.image_size) + ")");
  }
  v.num_channels = f.int_in("num_channels", 1, 4);
  if (v.num_channels != 3) f.fail_value("num_channels", *f.find("num_channels"), "3 (RGB)", ErrorCode::kUnsupported);
  v.hidden_size = f.int_in("hidden_size");
  v.num_hidden_layers = f.int_in("num_hidden_layers", 1, 100000);
  v.num_attention_heads = f.int_in("num_attention_heads");
  if (v.hidden_size % v.num_attention_heads != 0) {
    f.fail_value("num_attention_heads", *f.find("num_attention_heads"),
                 "a divisor of hidden_size (" + std::to_string(v.hidden_size) + ")");
  }
  v.intermediate_size = f.int_in("intermediate_size");
  v.hidden_act = read_activation(f, "hidden_act");
  v.layer_norm_eps = f.number("layer_norm_eps", true);
  return v;
}

VisionLanguageConfig parse_vision_language(const JsonFields& f, const TextConfig& text) {
  VisionLanguageConfig vl;
  vl.vision = parse_vision(f.object("vision_config"));
  vl.image_token_index = f.int_in("image_token_index", 0, text.vocab_size - 1);

  const json& pinpoints = f.array("image_grid_pinpoints");
  const int64_t tile = vl.vision.image_size;
  const std::string expected = "[a, b] pairs of positive multiples of vision_config.image_size (" +
                               std::to_string(tile) + ")";
  if (pinpoints.empty()) f.fail_value("image_grid_pinpoints", pinpoints, "a non-empty list of " + expected);
  for (size_t i = 0; i < pinpoints.size(); ++i) {
    const json& p = pinpoints[i];
    const bool pair = p.is_array() && p.size() == 2 && p[0].is_number_integer() && p[1].is_number_integer();
    const GridPinpoint g = pair ? GridPinpoint{p[0].get<int64_t>(), p[1].get<int64_t>()} : GridPinpoint{};
    if (g.first <= 0 || g.second <= 0 || g.first % tile != 0 || g.second % tile != 0 ||
        g.first > 1000 * tile || g.second > 1000 * tile) {
      f.fail_value("image_grid_pinpoints[" + std::to_string(i) + "]", p, expected);
    }
    vl.image_grid_pinpoints.push_back(g);
  }

  // hidden_states has L+1 entries (embeddings, then each layer), so -(L+1) .. L are valid.
  const int64_t layers = vl.vision.num_hidden_layers;
  if (const json* layer = f.find("vision_feature_layer"); layer && layer->is_array()) {
    f.fail_value("vision_feature_layer", *layer, "a single layer index (multi-layer features are not supported)",
                 ErrorCode::kUnsupported);
  }
  vl.vision_feature_layer = f.int_in("vision_feature_layer", -(layers + 1), layers);

  const std::string strategy = f.string("vision_feature_select_strategy");
  if (strategy != "default" && strategy != "full") {
    f.fail_value("vision_feature_select_strategy", *f.find("vision_feature_select_strategy"),
                 "\"default\" or \"full\"", ErrorCode::kUnsupported);
  }
  vl.feature_select = strategy == "full" ? FeatureSelect::kFull : FeatureSelect::kDefault;
  vl.projector_hidden_act = read_activation(f, "projector_hidden_act");
  return vl;
}

}  // namespace

const char* attention_kind_name(AttentionKind kind) {
  return kind == AttentionKind::kSoftmax ? "softmax" : "lightning";
}

const char* config_form_name(ConfigForm form) { return form == ConfigForm::kNative ? "native" : "remote"; }

ModelConfig parse_model_config(const json& config, const std::string& source) {
  const JsonFields top(config, source);
  ModelConfig m;
  m.source = source;
  m.model_type = top.string("model_type");
  if (m.model_type == kVlType) {
    m.text = parse_text(top.object("text_config"));
    m.vl = parse_vision_language(top, m.text);
    m.text_weight_prefix = "language_model.";
  } else if (m.model_type == kRemoteTextType || m.model_type == kNativeTextType) {
    m.text = parse_text(top);
  } else {
    top.fail_value("model_type", *top.find("model_type"),
                   "\"minimax_text_01\", \"minimax\" or \"minimax_vl_01\" (the MiniMax-Text-01 / VL-01 family)",
                   ErrorCode::kUnsupported);
  }
  return m;
}

ModelConfig load_model_config(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path file = std::filesystem::is_directory(path, ec) ? path / "config.json" : path;
  return parse_model_config(read_json_file(file), file.string());
}

}  // namespace lightvl::io
