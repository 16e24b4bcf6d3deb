// The tensor registry against the spec's tensor tables (section 2): names, shapes and key counts.
#include "io/tensor_registry.h"

#include <gtest/gtest.h>

#include <map>

#include "config_samples.h"
#include "tiny_model.h"

namespace lightvl::io {
namespace {

std::map<std::string, Shape> as_map(const std::vector<TensorSpec>& specs) {
  std::map<std::string, Shape> m;
  for (const TensorSpec& s : specs) EXPECT_TRUE(m.emplace(s.name, s.shape).second) << "duplicate " << s.name;
  return m;
}

std::map<std::string, Shape> as_map(const std::vector<testing::NamedShape>& list) {
  return std::map<std::string, Shape>(list.begin(), list.end());
}

TEST(TensorRegistry, NamesForTextAndVlCheckpoints) {
  const ModelConfig text = parse_model_config(testing::released_text_config(), "text.json");
  const ModelConfig vl = parse_model_config(testing::released_vl_config(testing::released_vl_text_config()), "vl.json");
  EXPECT_EQ(layer_tensor(text, 3, kQProj), "model.layers.3.self_attn.q_proj.weight");
  EXPECT_EQ(layer_tensor(vl, 3, kQProj), "language_model.model.layers.3.self_attn.q_proj.weight");
  EXPECT_EQ(global_tensor(text, kEmbedTokens), "model.embed_tokens.weight");
  EXPECT_EQ(global_tensor(vl, kLmHead), "language_model.lm_head.weight");
  EXPECT_EQ(expert_tensor(vl, 79, 31, ExpertMatrix::kDown),
            "language_model.model.layers.79.block_sparse_moe.experts.31.w2.weight");
  EXPECT_EQ(expert_tensor(text, 0, 0, ExpertMatrix::kGate), "model.layers.0.block_sparse_moe.experts.0.w1.weight");
  EXPECT_EQ(expert_tensor(text, 0, 0, ExpertMatrix::kUp), "model.layers.0.block_sparse_moe.experts.0.w3.weight");
  EXPECT_EQ(vision_tensor(kPreNormWeight), "vision_tower.vision_model.pre_layrnorm.weight");
  EXPECT_EQ(vision_layer_tensor(23, std::string(kVisionFc2) + ".bias"),
            "vision_tower.vision_model.encoder.layers.23.mlp.fc2.bias");
}

// Spec 2.1/2.2: 8,243 text keys, 8,637 in the VL checkpoint (389 vision + 4 projector + 1 newline).
TEST(TensorRegistry, ReleasedKeyCounts) {
  const ModelConfig text = parse_model_config(testing::released_text_config(), "text.json");
  const ModelConfig vl = parse_model_config(testing::released_vl_config(testing::released_vl_text_config()), "vl.json");
  EXPECT_EQ(expected_tensors(text).size(), 8243u);
  EXPECT_EQ(vision_tensor_specs(text).size(), 0u);
  EXPECT_EQ(expected_tensors(vl).size(), 8637u);
  EXPECT_EQ(vision_tensor_specs(vl).size(), 389u + 4u + 1u);
}

// Shapes from the spec's tables for the released geometry.
TEST(TensorRegistry, ReleasedShapes) {
  const ModelConfig vl = parse_model_config(testing::released_vl_config(testing::released_vl_text_config()), "vl.json");
  const std::map<std::string, Shape> m = as_map(expected_tensors(vl));
  const std::string l0 = "language_model.model.layers.0.";
  const std::string l7 = "language_model.model.layers.7.";
  const std::map<std::string, Shape> reference = {
      {"language_model.model.embed_tokens.weight", {200064, 6144}},
      {"language_model.model.norm.weight", {6144}},
      {"language_model.lm_head.weight", {200064, 6144}},
      {l0 + "self_attn.qkv_proj.weight", {24576, 6144}},
      {l0 + "self_attn.output_gate.weight", {8192, 6144}},
      {l0 + "self_attn.out_proj.weight", {6144, 8192}},
      {l0 + "self_attn.norm.weight", {8192}},
      {l0 + "block_sparse_moe.gate.weight", {32, 6144}},
      {l0 + "block_sparse_moe.experts.31.w1.weight", {9216, 6144}},
      {l0 + "block_sparse_moe.experts.31.w3.weight", {9216, 6144}},
      {l0 + "block_sparse_moe.experts.31.w2.weight", {6144, 9216}},
      {l7 + "self_attn.q_proj.weight", {8192, 6144}},
      {l7 + "self_attn.k_proj.weight", {1024, 6144}},
      {l7 + "self_attn.v_proj.weight", {1024, 6144}},
      {l7 + "self_attn.o_proj.weight", {6144, 8192}},
      {"vision_tower.vision_model.embeddings.class_embedding", {1024}},
      {"vision_tower.vision_model.embeddings.patch_embedding.weight", {1024, 3, 14, 14}},
      {"vision_tower.vision_model.embeddings.position_embedding.weight", {577, 1024}},
      {"vision_tower.vision_model.encoder.layers.23.mlp.fc1.weight", {4096, 1024}},
      {"vision_tower.vision_model.encoder.layers.23.mlp.fc2.weight", {1024, 4096}},
      {"vision_tower.vision_model.encoder.layers.0.self_attn.out_proj.bias", {1024}},
      {"multi_modal_projector.linear_1.weight", {6144, 1024}},
      {"multi_modal_projector.linear_2.weight", {6144, 6144}},
      {"image_newline", {6144}},
  };
  for (const auto& [name, shape] : reference) {
    ASSERT_TRUE(m.count(name)) << name;
    EXPECT_EQ(m.at(name), shape) << name;
  }
  // Layer 7 is softmax: it has no lightning tensors, layer 0 no softmax ones.
  EXPECT_FALSE(m.count(l7 + "self_attn.qkv_proj.weight"));
  EXPECT_FALSE(m.count(l0 + "self_attn.q_proj.weight"));
  EXPECT_FALSE(m.count("vision_tower.vision_model.post_layernorm.weight"));
}

TEST(TensorRegistry, TinyModelMatchesTheHandWrittenList) {
  const ModelConfig text = parse_model_config(testing::tiny_text_config(), "tiny.json");
  EXPECT_EQ(as_map(expected_tensors(text)), as_map(testing::tiny_text_tensors()));

  const ModelConfig vl = parse_model_config(testing::tiny_vl_config(), "tiny-vl.json");
  std::vector<testing::NamedShape> all = testing::tiny_text_tensors("language_model.");
  for (const auto& t : testing::tiny_vision_tensors()) all.push_back(t);
  EXPECT_EQ(as_map(expected_tensors(vl)), as_map(all));
}

TEST(TensorRegistry, TiedEmbeddingsMakeLmHeadOptional) {
  nlohmann::json c = testing::tiny_text_config();
  c["tie_word_embeddings"] = true;
  for (const TensorSpec& s : expected_tensors(parse_model_config(c, "tiny.json"))) {
    EXPECT_EQ(s.required, s.name != "lm_head.weight") << s.name;
  }
}

TEST(TensorRegistry, DerivedBuffers) {
  EXPECT_TRUE(is_derived_buffer("model.layers.0.self_attn.slope_rate"));
  EXPECT_TRUE(is_derived_buffer("model.layers.3.self_attn.query_decay"));
  EXPECT_TRUE(is_derived_buffer("model.layers.3.self_attn.key_decay"));
  EXPECT_TRUE(is_derived_buffer("language_model.model.layers.3.self_attn.diagonal_decay"));
  EXPECT_FALSE(is_derived_buffer("model.layers.3.self_attn.norm.weight"));
  EXPECT_FALSE(is_derived_buffer("decay"));
}

}  // namespace
}  // namespace lightvl::io
