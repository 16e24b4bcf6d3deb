// validate_checkpoint: a complete checkpoint passes; missing tensors, wrong dtypes and wrong shapes fail
// with messages that name the file, the tensor and both shapes; extra tensors are tolerated.
#include "io/checkpoint_validation.h"

#include <gtest/gtest.h>

#include "io/json_file.h"
#include "io_test_util.h"
#include "tiny_model.h"

namespace lightvl::io {
namespace {

using testing::NamedShape;
using testing::SafetensorsWriter;
using testing::TempDir;
using testing::throws_error;

// Writes `tensors` (bf16 zeros) as <dir>/model.safetensors and `config` as config.json.
void write_model(const TempDir& dir, const nlohmann::json& config, const std::vector<NamedShape>& tensors,
                 const std::string& dtype = "BF16") {
  SafetensorsWriter w;
  for (const auto& [name, shape] : tensors) w.add_zeros(name, dtype, shape);
  w.write(dir / "model.safetensors");
  testing::write_json(dir / "config.json", config);
}

std::vector<NamedShape> without(std::vector<NamedShape> list, const std::string& name) {
  std::erase_if(list, [&](const NamedShape& t) { return t.first == name; });
  return list;
}

std::vector<NamedShape> replaced(std::vector<NamedShape> list, const std::string& name, const Shape& shape) {
  for (auto& t : list) {
    if (t.first == name) t.second = shape;
  }
  return list;
}

struct Opened {
  ModelConfig config;
  Checkpoint checkpoint;
  explicit Opened(const TempDir& dir) : config(load_model_config(dir.path())), checkpoint(dir.path()) {}
};

TEST(CheckpointValidation, CompleteTextCheckpointPasses) {
  TempDir dir;
  write_model(dir, testing::tiny_text_config(), testing::tiny_text_tensors());
  const Opened m(dir);
  const ValidationReport r = validate_checkpoint(m.checkpoint, m.config);
  EXPECT_EQ(r.checked, testing::tiny_text_tensors().size());
  // By hand: embeddings, norm and head 264; layer 0 (lightning) 648; layer 1 (softmax) 512.
  EXPECT_EQ(r.parameters, 1424u);
  EXPECT_TRUE(r.unexpected.empty());
  EXPECT_TRUE(r.derived_buffers.empty());
}

TEST(CheckpointValidation, CompleteVlCheckpointPassesInEveryFloatDtype) {
  for (const char* dtype : {"BF16", "F16", "F32"}) {
    TempDir dir;
    std::vector<NamedShape> all = testing::tiny_text_tensors("language_model.");
    for (const auto& t : testing::tiny_vision_tensors()) all.push_back(t);
    write_model(dir, testing::tiny_vl_config(), all, dtype);
    const Opened m(dir);
    EXPECT_EQ(validate_checkpoint(m.checkpoint, m.config).checked, all.size()) << dtype;
  }
}

TEST(CheckpointValidation, DerivedBuffersAreIgnoredAndOtherExtrasListed) {
  TempDir dir;
  std::vector<NamedShape> tensors = testing::tiny_text_tensors();
  tensors.push_back({"model.layers.0.self_attn.slope_rate", {2, 1, 1}});
  tensors.push_back({"model.layers.0.self_attn.diagonal_decay", {1, 2, 4, 4}});
  tensors.push_back({"vision_tower.vision_model.post_layernorm.weight", {4}});
  write_model(dir, testing::tiny_text_config(), tensors);
  const Opened m(dir);
  const ValidationReport r = validate_checkpoint(m.checkpoint, m.config);
  EXPECT_EQ(r.derived_buffers, (std::vector<std::string>{"model.layers.0.self_attn.diagonal_decay",
                                                         "model.layers.0.self_attn.slope_rate"}));
  EXPECT_EQ(r.unexpected, (std::vector<std::string>{"vision_tower.vision_model.post_layernorm.weight"}));
  EXPECT_EQ(r.parameters, 1424u);  // the extras are not model parameters
  EXPECT_EQ(m.checkpoint.parameter_count(), 1424u + 2 + 32 + 4);
}

TEST(CheckpointValidation, MissingTensorNamesTensorAndDirectory) {
  TempDir dir;
  const std::string name = "model.layers.1.self_attn.k_proj.weight";
  write_model(dir, testing::tiny_text_config(), without(testing::tiny_text_tensors(), name));
  const Opened m(dir);
  EXPECT_TRUE(throws_error([&] { validate_checkpoint(m.checkpoint, m.config); }, ErrorCode::kNotFound,
                           {name, dir.path().string(), "config.json"}));
}

TEST(CheckpointValidation, TextWeightsWithAVlConfigSayWhatHappened) {
  TempDir dir;
  std::vector<NamedShape> all = testing::tiny_text_tensors();  // no "language_model." prefix
  for (const auto& t : testing::tiny_vision_tensors()) all.push_back(t);
  write_model(dir, testing::tiny_vl_config(), all);
  const Opened m(dir);
  EXPECT_TRUE(throws_error([&] { validate_checkpoint(m.checkpoint, m.config); }, ErrorCode::kNotFound,
                           {"language_model.model.embed_tokens.weight", "29 of 55", "MiniMax-Text-01 weights"}));
}

TEST(CheckpointValidation, TiedEmbeddingsNeedNoLmHead) {
  TempDir dir;
  nlohmann::json config = testing::tiny_text_config();
  config["tie_word_embeddings"] = true;
  write_model(dir, config, without(testing::tiny_text_tensors(), "lm_head.weight"));
  const Opened m(dir);
  EXPECT_EQ(validate_checkpoint(m.checkpoint, m.config).checked, testing::tiny_text_tensors().size() - 1);
}

TEST(CheckpointValidation, IntegerWeightIsRefused) {
  TempDir dir;
  const std::string name = "model.layers.0.self_attn.qkv_proj.weight";
  SafetensorsWriter w;
  for (const auto& [n, shape] : testing::tiny_text_tensors()) w.add_zeros(n, n == name ? "I32" : "BF16", shape);
  w.write(dir / "model.safetensors");
  testing::write_json(dir / "config.json", testing::tiny_text_config());
  const Opened m(dir);
  EXPECT_TRUE(throws_error([&] { validate_checkpoint(m.checkpoint, m.config); }, ErrorCode::kBadModel,
                           {"model.safetensors", name, "i32", "bf16"}));
}

TEST(CheckpointValidation, WrongShapeNamesBothShapes) {
  TempDir dir;
  const std::string name = "model.layers.0.self_attn.qkv_proj.weight";
  write_model(dir, testing::tiny_text_config(), replaced(testing::tiny_text_tensors(), name, {8, 24}));
  const Opened m(dir);
  EXPECT_TRUE(throws_error([&] { validate_checkpoint(m.checkpoint, m.config); }, ErrorCode::kBadModel,
                           {"model.safetensors", name, "[8, 24]", "expected [24, 8]", "config.json"}));
}

TEST(CheckpointValidation, FusedV5ExpertLayoutIsRefusedWithTheFix) {
  TempDir dir;
  std::vector<NamedShape> tensors;
  for (const auto& t : testing::tiny_text_tensors()) {
    if (t.first.find(".experts.") == std::string::npos) tensors.push_back(t);
  }
  tensors.push_back({"model.layers.0.mlp.experts.gate_up_proj", {2, 12, 8}});
  tensors.push_back({"model.layers.0.mlp.experts.down_proj", {2, 8, 6}});
  write_model(dir, testing::tiny_text_config(), tensors);
  const Opened m(dir);
  EXPECT_TRUE(throws_error([&] { validate_checkpoint(m.checkpoint, m.config); }, ErrorCode::kUnsupported,
                           {"model.safetensors", "mlp.experts.", "save_original_format=True"}));
}

}  // namespace
}  // namespace lightvl::io
