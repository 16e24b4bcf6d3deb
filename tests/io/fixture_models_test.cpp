// The tiny checkpoints committed to the repository, written by transformers and the safetensors library
// (tests/reference): our config parser and loader must read what the real tools wrote.
//   assets/tiny-minimax-text-01        released remote-code config form, two bf16 shards + index
//   tests/fixtures/tiny-minimax-native transformers-native config form, one f32 file
// Each test skips when its fixture is absent.
#include <gtest/gtest.h>

#include <cmath>

#include "io/checkpoint_validation.h"
#include "io/json_file.h"
#include "io/model_config.h"

namespace lightvl::io {
namespace {

namespace fs = std::filesystem;

const fs::path kReleased = fs::path(LIGHTVL_SOURCE_DIR) / "assets/tiny-minimax-text-01";
const fs::path kNative = fs::path(LIGHTVL_SOURCE_DIR) / "tests/fixtures/tiny-minimax-native";

// Fields both forms name the same way: the parsed value must be the file's value.
void expect_common_fields(const TextConfig& t, const nlohmann::json& raw) {
  EXPECT_EQ(t.vocab_size, raw.at("vocab_size").get<int64_t>());
  EXPECT_EQ(t.hidden_size, raw.at("hidden_size").get<int64_t>());
  EXPECT_EQ(t.num_hidden_layers, raw.at("num_hidden_layers").get<int64_t>());
  EXPECT_EQ(t.num_attention_heads, raw.at("num_attention_heads").get<int64_t>());
  EXPECT_EQ(t.num_key_value_heads, raw.at("num_key_value_heads").get<int64_t>());
  EXPECT_EQ(t.head_dim, raw.at("head_dim").get<int64_t>());
  EXPECT_EQ(t.intermediate_size, raw.at("intermediate_size").get<int64_t>());
  EXPECT_EQ(t.num_local_experts, raw.at("num_local_experts").get<int64_t>());
  EXPECT_EQ(t.num_experts_per_tok, raw.at("num_experts_per_tok").get<int64_t>());
  EXPECT_EQ(t.rms_norm_eps, raw.at("rms_norm_eps").get<double>());
  EXPECT_EQ(t.tie_word_embeddings, raw.at("tie_word_embeddings").get<bool>());
  EXPECT_EQ(t.max_position_embeddings, raw.at("max_position_embeddings").get<int64_t>());
}

TEST(FixtureModels, ReleasedFormConfigAndShards) {
  if (!fs::exists(kReleased / "config.json")) GTEST_SKIP() << kReleased << " not present";
  const nlohmann::json raw = read_json_file(kReleased / "config.json");
  const ModelConfig m = load_model_config(kReleased);
  EXPECT_EQ(m.text.form, ConfigForm::kRemote);
  expect_common_fields(m.text, raw);
  EXPECT_EQ(m.text.rotary_dim, raw.at("rotary_dim").get<int64_t>());
  EXPECT_EQ(m.text.rope_theta, raw.at("rope_theta").get<double>());
  EXPECT_EQ(m.text.block_size, 256);  // not in the released config: the remote code's constant
  EXPECT_EQ(m.text.postnorm, raw.at("postnorm").get<bool>());
  ASSERT_EQ(m.text.layer_kinds.size(), raw.at("attn_type_list").size());
  for (size_t i = 0; i < m.text.layer_kinds.size(); ++i) {
    EXPECT_EQ(m.text.layer_kinds[i] == AttentionKind::kSoftmax, raw["attn_type_list"][i].get<int>() == 1) << i;
  }
  EXPECT_EQ(m.text.full_attention.alpha, raw.at("layernorm_full_attention_alpha").get<double>());
  EXPECT_EQ(m.text.full_attention.beta, raw.at("layernorm_full_attention_beta").get<double>());
  EXPECT_EQ(m.text.linear_attention.alpha, raw.at("layernorm_linear_attention_alpha").get<double>());
  EXPECT_EQ(m.text.linear_attention.beta, raw.at("layernorm_linear_attention_beta").get<double>());
  EXPECT_EQ(m.text.mlp.alpha, raw.at("layernorm_mlp_alpha").get<double>());
  EXPECT_EQ(m.text.mlp.beta, raw.at("layernorm_mlp_beta").get<double>());

  const Checkpoint ck(kReleased);
  EXPECT_EQ(ck.layout(), CheckpointLayout::kIndexed);
  const ValidationReport r = validate_checkpoint(ck, m);
  EXPECT_EQ(r.checked, ck.names().size());
  EXPECT_EQ(r.parameters, ck.parameter_count());
  EXPECT_TRUE(r.unexpected.empty());
  // transformers writes metadata.total_size = the sum of the tensors' byte sizes.
  const nlohmann::json index = read_json_file(kReleased / Checkpoint::kIndexFileName);
  uint64_t bytes = 0;
  for (const DTypeTotal& d : ck.totals_by_dtype()) bytes += d.bytes;
  EXPECT_EQ(bytes, index.at("metadata").at("total_size").get<uint64_t>());
  std::printf("  %s: %zu tensors, %llu parameters, %llu bytes\n", kReleased.filename().c_str(), ck.names().size(),
              static_cast<unsigned long long>(ck.parameter_count()), static_cast<unsigned long long>(bytes));
}

TEST(FixtureModels, NativeFormConfigAndFile) {
  if (!fs::exists(kNative / "config.json")) GTEST_SKIP() << kNative << " not present";
  const nlohmann::json raw = read_json_file(kNative / "config.json");
  const ModelConfig m = load_model_config(kNative);
  EXPECT_EQ(m.text.form, ConfigForm::kNative);
  expect_common_fields(m.text, raw);
  EXPECT_TRUE(m.text.postnorm);
  EXPECT_EQ(m.text.block_size, raw.value("block_size", int64_t(256)));
  const nlohmann::json& rope = raw.contains("rope_parameters") ? raw["rope_parameters"] : raw;
  EXPECT_EQ(m.text.rope_theta, rope.at("rope_theta").get<double>());
  const double factor = rope.value("partial_rotary_factor", 1.0);
  EXPECT_EQ(m.text.rotary_dim, int64_t(std::lround(factor * double(m.text.head_dim))));
  ASSERT_EQ(m.text.layer_kinds.size(), raw.at("layer_types").size());
  for (size_t i = 0; i < m.text.layer_kinds.size(); ++i) {
    EXPECT_EQ(m.text.layer_kinds[i] == AttentionKind::kSoftmax, raw["layer_types"][i] == "full_attention") << i;
  }
  EXPECT_EQ(m.text.full_attention.alpha, raw.at("full_attn_alpha_factor").get<double>());
  EXPECT_EQ(m.text.full_attention.beta, raw.at("full_attn_beta_factor").get<double>());
  EXPECT_EQ(m.text.linear_attention.alpha, raw.at("linear_attn_alpha_factor").get<double>());
  EXPECT_EQ(m.text.linear_attention.beta, raw.at("linear_attn_beta_factor").get<double>());
  EXPECT_EQ(m.text.mlp.alpha, raw.at("mlp_alpha_factor").get<double>());
  EXPECT_EQ(m.text.mlp.beta, raw.at("mlp_beta_factor").get<double>());

  const Checkpoint ck(kNative);
  const ValidationReport r = validate_checkpoint(ck, m);
  EXPECT_EQ(r.checked + r.derived_buffers.size() + r.unexpected.size(), ck.names().size());
  EXPECT_TRUE(r.unexpected.empty());
  std::printf("  %s: %zu tensors (%zu derived buffers ignored), %llu parameters (%llu with the buffers)\n",
              kNative.filename().c_str(), ck.names().size(), r.derived_buffers.size(),
              static_cast<unsigned long long>(r.parameters), static_cast<unsigned long long>(ck.parameter_count()));
}

}  // namespace
}  // namespace lightvl::io
