// ModelConfig: both text forms and the VL nesting parse to the values of the released configs (spec 1.1,
// 1.2), and every invalid or unsupported value is an Error naming config.json and the key.
#include "io/model_config.h"

#include <gtest/gtest.h>

#include "config_samples.h"
#include "io_test_util.h"

namespace lightvl::io {
namespace {

using nlohmann::json;
using testing::kReleasedAlpha;
using testing::TempDir;
using testing::throws_error;

// Writes `config` as <dir>/config.json and loads it through the directory.
ModelConfig load(const TempDir& dir, const json& config) {
  testing::write_json(dir / "config.json", config);
  return load_model_config(dir.path());
}

// Expects loading `config` to fail with `code`, the message naming config.json and `mentions`.
::testing::AssertionResult load_fails(const json& config, ErrorCode code, std::vector<std::string> mentions) {
  TempDir dir;
  testing::write_json(dir / "config.json", config);
  mentions.push_back("config.json");
  return throws_error([&] { load_model_config(dir.path()); }, code, mentions);
}

// "key" with its quotes, as messages print key names.
std::string quoted(const std::string& key) { return std::string(1, '"').append(key).append(1, '"'); }

// The Text-01 geometry of spec 1.1, whichever form it was read from.
void expect_text01(const TextConfig& t) {
  EXPECT_EQ(t.vocab_size, 200064);
  EXPECT_EQ(t.hidden_size, 6144);
  EXPECT_EQ(t.num_hidden_layers, 80);
  EXPECT_EQ(t.num_attention_heads, 64);
  EXPECT_EQ(t.num_key_value_heads, 8);
  EXPECT_EQ(t.head_dim, 128);
  EXPECT_EQ(t.rotary_dim, 64);
  EXPECT_EQ(t.rope_theta, 10000000.0);
  EXPECT_EQ(t.intermediate_size, 9216);
  EXPECT_EQ(t.num_local_experts, 32);
  EXPECT_EQ(t.num_experts_per_tok, 2);
  EXPECT_EQ(t.rms_norm_eps, 1e-5);
  EXPECT_EQ(t.block_size, 256);
  EXPECT_TRUE(t.postnorm);
  EXPECT_FALSE(t.tie_word_embeddings);
  EXPECT_EQ(t.attention_width(), 8192);
  EXPECT_EQ(t.kv_width(), 1024);
  ASSERT_EQ(t.layer_kinds.size(), 80u);
  int softmax = 0;
  for (int i = 0; i < 80; ++i) {
    // Softmax exactly at 0-based layers 7, 15, ..., 79.
    const bool is_softmax = i % 8 == 7;
    EXPECT_EQ(t.layer_kinds[size_t(i)], is_softmax ? AttentionKind::kSoftmax : AttentionKind::kLightning) << i;
    softmax += is_softmax;
  }
  EXPECT_EQ(softmax, 10);
  for (const ResidualCoefficients* r : {&t.full_attention, &t.linear_attention, &t.mlp}) {
    EXPECT_EQ(r->alpha, kReleasedAlpha);
    EXPECT_EQ(r->beta, 1.0);
  }
}

TEST(ModelConfig, ReleasedRemoteTextForm) {
  TempDir dir;
  const ModelConfig m = load(dir, testing::released_text_config());
  EXPECT_EQ(m.model_type, "minimax_text_01");
  EXPECT_EQ(m.text.form, ConfigForm::kRemote);
  EXPECT_FALSE(m.is_vl());
  EXPECT_EQ(m.text_weight_prefix, "");
  EXPECT_EQ(m.source, (dir / "config.json").string());
  expect_text01(m.text);
  EXPECT_EQ(m.text.max_position_embeddings, 10240000);
  EXPECT_FALSE(m.text.bos_token_id.has_value());
  EXPECT_TRUE(m.text.eos_token_ids.empty());
}

TEST(ModelConfig, NativeTextFormWithRopeParameters) {
  TempDir dir;
  const ModelConfig m = load(dir, testing::native_text_config());
  EXPECT_EQ(m.model_type, "minimax");
  EXPECT_EQ(m.text.form, ConfigForm::kNative);
  expect_text01(m.text);  // rotary_dim 64 = partial_rotary_factor 0.5 × head_dim 128
  EXPECT_EQ(m.text.bos_token_id, 200019);
  EXPECT_EQ(m.text.eos_token_ids, (std::vector<int64_t>{200020}));
}

TEST(ModelConfig, NativeTopLevelRopeKeys) {
  TempDir dir;
  json c = testing::native_text_config();
  c.erase("rope_parameters");
  c["rope_theta"] = 10000000;
  c["partial_rotary_factor"] = 0.5;
  c["eos_token_id"] = {200020, 200019};
  const ModelConfig m = load(dir, c);
  expect_text01(m.text);
  EXPECT_EQ(m.text.eos_token_ids, (std::vector<int64_t>{200020, 200019}));
}

TEST(ModelConfig, RotaryDimFallbacks) {
  TempDir dir;
  json c = testing::native_text_config();
  c["rope_parameters"].erase("partial_rotary_factor");
  EXPECT_EQ(load(dir, c).text.rotary_dim, 128);  // neither key: the whole head

  c["rotary_dim"] = 32;
  c["rope_parameters"]["partial_rotary_factor"] = 0.5;
  EXPECT_EQ(load(dir, c).text.rotary_dim, 32);  // rotary_dim wins over the factor

  json r = testing::released_text_config();
  r.erase("rotary_dim");
  r["partial_rotary_factor"] = 0.25;
  EXPECT_EQ(load(dir, r).text.rotary_dim, 32);
}

TEST(ModelConfig, HeadDimDefaultsToHiddenOverHeadsAndBlockSizeTo256) {
  TempDir dir;
  json c = testing::released_text_config();
  c.erase("head_dim");
  const ModelConfig m = load(dir, c);
  EXPECT_EQ(m.text.head_dim, 96);  // 6144 / 64
  EXPECT_EQ(m.text.rotary_dim, 64);
  EXPECT_EQ(m.text.block_size, 256);
  c["block_size"] = 128;
  EXPECT_EQ(load(dir, c).text.block_size, 128);
}

void expect_released_vl(const ModelConfig& m) {
  ASSERT_TRUE(m.is_vl());
  EXPECT_EQ(m.model_type, "minimax_vl_01");
  EXPECT_EQ(m.text_weight_prefix, "language_model.");
  expect_text01(m.text);
  EXPECT_EQ(m.text.max_position_embeddings, 8192);
  const VisionLanguageConfig& vl = *m.vl;
  EXPECT_EQ(vl.image_token_index, 200025);
  EXPECT_EQ(vl.vision_feature_layer, -1);
  EXPECT_EQ(vl.feature_hidden_state(), 24);  // hidden_states[-1] of 25 = the last layer's output
  EXPECT_EQ(vl.feature_select, FeatureSelect::kDefault);
  EXPECT_EQ(vl.projector_hidden_act, Activation::kGelu);
  ASSERT_EQ(vl.image_grid_pinpoints.size(), 28u);
  EXPECT_EQ(vl.image_grid_pinpoints[1].first, 336);
  EXPECT_EQ(vl.image_grid_pinpoints[1].second, 672);
  EXPECT_EQ(vl.image_grid_pinpoints[27].first, 2016);
  EXPECT_EQ(vl.image_grid_pinpoints[27].second, 1008);
  const VisionConfig& v = vl.vision;
  EXPECT_EQ(v.image_size, 336);
  EXPECT_EQ(v.patch_size, 14);
  EXPECT_EQ(v.num_channels, 3);
  EXPECT_EQ(v.hidden_size, 1024);
  EXPECT_EQ(v.num_hidden_layers, 24);
  EXPECT_EQ(v.num_attention_heads, 16);
  EXPECT_EQ(v.head_dim(), 64);
  EXPECT_EQ(v.intermediate_size, 4096);
  EXPECT_EQ(v.hidden_act, Activation::kGelu);
  EXPECT_EQ(v.layer_norm_eps, 1e-5);
  EXPECT_EQ(v.num_positions(), 577);
}

TEST(ModelConfig, ReleasedVl) {
  TempDir dir;
  const ModelConfig m = load(dir, testing::released_vl_config(testing::released_vl_text_config()));
  expect_released_vl(m);
  EXPECT_EQ(m.text.form, ConfigForm::kRemote);
}

TEST(ModelConfig, VlWithNativeTextConfig) {
  TempDir dir;
  json text = testing::native_text_config();
  text["max_position_embeddings"] = 8192;
  const ModelConfig m = load(dir, testing::released_vl_config(text));
  expect_released_vl(m);
  EXPECT_EQ(m.text.form, ConfigForm::kNative);
}

TEST(ModelConfig, VlTextConfigWithoutModelTypeIsDetectedByItsLayerList) {
  TempDir dir;
  json text = testing::released_vl_text_config();
  text.erase("model_type");
  EXPECT_EQ(load(dir, testing::released_vl_config(text)).text.form, ConfigForm::kRemote);
  json native = testing::native_text_config();
  native.erase("model_type");
  EXPECT_EQ(load(dir, testing::released_vl_config(native)).text.form, ConfigForm::kNative);
}

TEST(ModelConfig, VisionVariants) {
  TempDir dir;
  json c = testing::released_vl_config(testing::released_vl_text_config());
  c["vision_feature_layer"] = -2;
  c["vision_feature_select_strategy"] = "full";
  c["vision_config"]["hidden_act"] = "quick_gelu";
  const ModelConfig m = load(dir, c);
  EXPECT_EQ(m.vl->feature_hidden_state(), 23);
  EXPECT_EQ(m.vl->feature_select, FeatureSelect::kFull);
  EXPECT_EQ(m.vl->vision.hidden_act, Activation::kQuickGelu);
  c["vision_feature_layer"] = 0;
  EXPECT_EQ(load(dir, c).vl->feature_hidden_state(), 0);
}

// ---- errors -----------------------------------------------------------------------------------------

TEST(ModelConfigErrors, MissingFileAndMalformedJson) {
  TempDir dir;
  EXPECT_TRUE(throws_error([&] { load_model_config(dir.path()); }, ErrorCode::kNotFound, {"config.json"}));
  testing::write_file(dir / "config.json", "{\n  \"model_type\": \"minimax\",\n  \"hidden_size\": 6144,,\n}");
  EXPECT_TRUE(throws_error([&] { load_model_config(dir.path()); }, ErrorCode::kBadModel,
                           {"config.json", "line 3"}));
  testing::write_file(dir / "config.json", "[1, 2]");
  EXPECT_TRUE(throws_error([&] { load_model_config(dir / "config.json"); }, ErrorCode::kBadModel,
                           {"config.json", "JSON object"}));
}

TEST(ModelConfigErrors, MissingKey) {
  for (const char* key : {"hidden_size", "num_key_value_heads", "rms_norm_eps", "attn_type_list", "postnorm",
                          "layernorm_mlp_beta", "rope_theta", "vocab_size", "model_type"}) {
    json c = testing::released_text_config();
    c.erase(key);
    EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {quoted(key), "missing"})) << key;
  }
  for (const char* key : {"layer_types", "full_attn_alpha_factor", "mlp_beta_factor"}) {
    json c = testing::native_text_config();
    c.erase(key);
    EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {quoted(key), "missing"})) << key;
  }
  json c = testing::native_text_config();
  c.erase("rope_parameters");
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"rope_theta", "missing"}));
}

TEST(ModelConfigErrors, WrongTypeNamesKeyAndValue) {
  json c = testing::released_text_config();
  c["num_attention_heads"] = "64";
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"num_attention_heads\"", "\"64\"", "integer"}));
  c = testing::released_text_config();
  c["hidden_size"] = 6144.5;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"hidden_size\"", "6144.5"}));
  c = testing::released_text_config();
  c["postnorm"] = 1;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"postnorm\"", "true or false"}));
  c = testing::released_text_config();
  c["hidden_size"] = -6144;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"hidden_size\"", "-6144"}));
  c = testing::released_text_config();
  c["rms_norm_eps"] = 0;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"rms_norm_eps\"", "positive"}));
}

TEST(ModelConfigErrors, LayerListLengthAndValues) {
  json c = testing::released_text_config();
  c["num_hidden_layers"] = 79;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"attn_type_list\"", "79 entries", "found 80"}));
  c = testing::released_text_config();
  c["attn_type_list"][3] = 2;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"attn_type_list[3]\"", "2"}));
  json n = testing::native_text_config();
  n["layer_types"].erase(0);
  EXPECT_TRUE(load_fails(n, ErrorCode::kBadModel, {"\"layer_types\"", "80 entries", "found 79"}));
  n = testing::native_text_config();
  n["layer_types"][5] = "sliding_attention";
  EXPECT_TRUE(load_fails(n, ErrorCode::kUnsupported, {"\"layer_types[5]\"", "sliding_attention"}));
}

TEST(ModelConfigErrors, InconsistentSizes) {
  json c = testing::released_text_config();
  c["num_key_value_heads"] = 7;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"num_key_value_heads\"", "7", "divisor", "64"}));
  c = testing::released_text_config();
  c["rotary_dim"] = 63;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"rotary_dim\"", "63", "even"}));
  c = testing::released_text_config();
  c["rotary_dim"] = 256;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"rotary_dim\"", "256", "[1, 128]"}));
  c = testing::released_text_config();
  c.erase("rotary_dim");
  c["partial_rotary_factor"] = 0.3;  // 38.4 dims
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"partial_rotary_factor\"", "0.3"}));
  c = testing::released_text_config();
  c["num_experts_per_tok"] = 33;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"num_experts_per_tok\"", "33", "[1, 32]"}));
  c = testing::released_text_config();
  c.erase("head_dim");
  c["num_attention_heads"] = 60;
  c["num_key_value_heads"] = 6;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"head_dim\"", "missing"}));
  c = testing::released_text_config();
  c["eos_token_id"] = 200064;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"eos_token_id\"", "200064"}));
  json n = testing::native_text_config();
  n["rope_theta"] = 10000;  // disagrees with rope_parameters.rope_theta
  EXPECT_TRUE(load_fails(n, ErrorCode::kBadModel, {"\"rope_parameters.rope_theta\"", "10000000", "(10000.0)"}));
}

TEST(ModelConfigErrors, UnsupportedValuesAreRefusedByName) {
  json c = testing::released_text_config();
  c["shared_intermediate_size"] = 4096;
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"shared_intermediate_size\"", "4096"}));
  c["shared_intermediate_size"] = {0, 4096};
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"shared_intermediate_size\""}));
  c = testing::released_text_config();
  c["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"rope_scaling\"", "yarn"}));
  c = testing::released_text_config();
  c["hidden_act"] = "gelu";
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"hidden_act\"", "gelu", "silu"}));
  c = testing::released_text_config();
  c["sliding_window"] = 4096;
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"sliding_window\"", "4096"}));
  c = testing::released_text_config();
  c["model_type"] = "llama";
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"model_type\"", "llama"}));
  json n = testing::native_text_config();
  n["rope_parameters"]["rope_type"] = "llama3";
  EXPECT_TRUE(load_fails(n, ErrorCode::kUnsupported, {"\"rope_parameters.rope_type\"", "llama3"}));
}

TEST(ModelConfigErrors, VlKeysNameTheirNestedPath) {
  const json good = testing::released_vl_config(testing::released_vl_text_config());
  json c = good;
  c["text_config"].erase("num_attention_heads");
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"text_config.num_attention_heads\"", "missing"}));
  c = good;
  c["vision_config"]["patch_size"] = 15;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"vision_config.patch_size\"", "15", "336"}));
  c = good;
  c["vision_config"]["hidden_act"] = "relu";
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"vision_config.hidden_act\"", "relu"}));
  c = good;
  c["vision_feature_layer"] = -26;  // 25 hidden states: -25 .. 24 are valid
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"vision_feature_layer\"", "-26", "[-25, 24]"}));
  c = good;
  c["vision_feature_layer"] = 25;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"vision_feature_layer\"", "25"}));
  c = good;
  c["vision_feature_layer"] = {-2, -5};
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"vision_feature_layer\""}));
  c = good;
  c["vision_feature_select_strategy"] = "cls";
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"vision_feature_select_strategy\"", "cls"}));
  c = good;
  c["image_grid_pinpoints"][4] = {336, 700};
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"image_grid_pinpoints[4]\"", "[336,700]"}));
  c = good;
  c["image_token_index"] = 300000;
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"image_token_index\"", "300000"}));
  c = good;
  c.erase("vision_config");
  EXPECT_TRUE(load_fails(c, ErrorCode::kBadModel, {"\"vision_config\"", "missing"}));
  c = good;
  c["text_config"]["model_type"] = "mixtral";
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"text_config.model_type\"", "mixtral"}));
  c = good;
  c["projector_hidden_act"] = "silu";
  EXPECT_TRUE(load_fails(c, ErrorCode::kUnsupported, {"\"projector_hidden_act\"", "silu"}));
}

TEST(ModelConfig, UnknownKeysAreIgnored) {
  TempDir dir;
  json c = testing::released_text_config();
  c["some_future_key"] = {{"anything", 1}};
  EXPECT_NO_THROW(load(dir, c));
}

}  // namespace
}  // namespace lightvl::io
