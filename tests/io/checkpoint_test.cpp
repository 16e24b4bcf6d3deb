// Checkpoint: the three directory layouts, and the errors for incomplete or inconsistent ones.
#include "io/checkpoint.h"

#include <gtest/gtest.h>

#include "io_test_util.h"

namespace lightvl::io {
namespace {

using testing::SafetensorsWriter;
using testing::TempDir;
using testing::throws_error;
using testing::write_json;

// Two shards of a small sharded checkpoint and an index that maps each tensor to its shard.
void write_sharded(const TempDir& dir) {
  SafetensorsWriter().add_f32("model.norm.weight", {2}, {0.5f, 2}).add_f32("lm_head.weight", {1, 2}, {3, 4})
      .write(dir / "model-00001-of-00002.safetensors");
  SafetensorsWriter().add_u16("model.embed_tokens.weight", "BF16", {2, 2}, {0x3F80, 0x4000, 0x4040, 0x4080})
      .write(dir / "model-00002-of-00002.safetensors");
  write_json(dir / "model.safetensors.index.json",
             {{"metadata", {{"total_size", 24}}},
              {"weight_map",
               {{"model.norm.weight", "model-00001-of-00002.safetensors"},
                {"lm_head.weight", "model-00001-of-00002.safetensors"},
                {"model.embed_tokens.weight", "model-00002-of-00002.safetensors"}}}});
}

TEST(Checkpoint, SingleFile) {
  TempDir dir;
  SafetensorsWriter().add_f32("w", {2, 2}, {1, 2, 3, 4}).add_u16("b", "BF16", {3}, {0x3F80, 0, 0})
      .write(dir / "model.safetensors");
  const Checkpoint ck(dir.path());
  EXPECT_EQ(ck.layout(), CheckpointLayout::kSingleFile);
  EXPECT_EQ(ck.names(), (std::vector<std::string>{"b", "w"}));
  EXPECT_TRUE(ck.has("w"));
  EXPECT_FALSE(ck.has("x"));
  EXPECT_EQ(ck.get("w").data<float>()[3], 4.0f);
  EXPECT_EQ(ck.file_of("b").filename(), "model.safetensors");
  EXPECT_EQ(ck.parameter_count(), 7u);
}

TEST(Checkpoint, IndexedShardsAndTotals) {
  TempDir dir;
  write_sharded(dir);
  const Checkpoint ck(dir.path());
  EXPECT_EQ(ck.layout(), CheckpointLayout::kIndexed);
  EXPECT_EQ(ck.files().size(), 2u);
  EXPECT_EQ(ck.names().size(), 3u);
  EXPECT_EQ(ck.get("model.norm.weight").data<float>()[1], 2.0f);
  // bf16 0x4080 is 4.0.
  EXPECT_EQ(bf16_to_f32(ck.get("model.embed_tokens.weight").data<uint16_t>()[3]), 4.0f);
  EXPECT_EQ(ck.file_of("model.embed_tokens.weight").filename(), "model-00002-of-00002.safetensors");

  const std::vector<DTypeTotal> totals = ck.totals_by_dtype();
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals[0].dtype, DType::kF32);
  EXPECT_EQ(totals[0].tensors, 2u);
  EXPECT_EQ(totals[0].parameters, 4u);
  EXPECT_EQ(totals[0].bytes, 16u);
  EXPECT_EQ(totals[1].dtype, DType::kBF16);
  EXPECT_EQ(totals[1].bytes, 8u);
  EXPECT_EQ(ck.parameter_count(), 8u);
}

TEST(Checkpoint, GetMissingTensorNamesTensorAndDirectory) {
  TempDir dir;
  write_sharded(dir);
  const Checkpoint ck(dir.path());
  EXPECT_TRUE(throws_error([&] { ck.get("model.layers.0.input_layernorm.weight"); }, ErrorCode::kNotFound,
                           {"model.layers.0.input_layernorm.weight", dir.path().string(), "config.json"}));
}

TEST(Checkpoint, MissingShardNamesShardAndIndex) {
  TempDir dir;
  write_sharded(dir);
  std::filesystem::remove(dir / "model-00002-of-00002.safetensors");
  EXPECT_TRUE(throws_error([&] { Checkpoint ck(dir.path()); }, ErrorCode::kNotFound,
                           {"model-00002-of-00002.safetensors", "model.safetensors.index.json"}));
}

TEST(Checkpoint, TensorListedInIndexButAbsentFromShard) {
  TempDir dir;
  write_sharded(dir);
  write_json(dir / "model.safetensors.index.json",
             {{"weight_map",
               {{"model.norm.weight", "model-00001-of-00002.safetensors"},
                {"model.embed_tokens.weight", "model-00001-of-00002.safetensors"}}}});
  EXPECT_TRUE(throws_error([&] { Checkpoint ck(dir.path()); }, ErrorCode::kBadModel,
                           {"model.embed_tokens.weight", "model-00001-of-00002.safetensors",
                            "model.safetensors.index.json"}));
}

TEST(Checkpoint, MalformedIndex) {
  TempDir dir;
  write_sharded(dir);
  testing::write_file(dir / "model.safetensors.index.json", "{\"weight_map\": {\"a\": }}");
  EXPECT_TRUE(throws_error([&] { Checkpoint ck(dir.path()); }, ErrorCode::kBadModel,
                           {"model.safetensors.index.json", "line 1"}));
  write_json(dir / "model.safetensors.index.json", {{"metadata", {}}});
  EXPECT_TRUE(throws_error([&] { Checkpoint ck(dir.path()); }, ErrorCode::kBadModel,
                           {"model.safetensors.index.json", "weight_map"}));
  // A shard name that leaves the model directory is refused before anything is opened.
  write_json(dir / "model.safetensors.index.json", {{"weight_map", {{"w", "../elsewhere.safetensors"}}}});
  EXPECT_TRUE(throws_error([&] { Checkpoint ck(dir.path()); }, ErrorCode::kBadModel,
                           {"model.safetensors.index.json", "../elsewhere.safetensors"}));
  write_json(dir / "model.safetensors.index.json", {{"weight_map", {{"w", 3}}}});
  EXPECT_TRUE(throws_error([&] { Checkpoint ck(dir.path()); }, ErrorCode::kBadModel, {"\"w\""}));
}

TEST(Checkpoint, BadShardIsReportedAtOpen) {
  TempDir dir;
  write_sharded(dir);
  testing::write_file(dir / "model-00002-of-00002.safetensors", "garbage");
  EXPECT_TRUE(throws_error([&] { Checkpoint ck(dir.path()); }, ErrorCode::kBadModel,
                           {"model-00002-of-00002.safetensors"}));
}

TEST(Checkpoint, DirectoryScanWithoutIndex) {
  TempDir dir;
  write_sharded(dir);
  std::filesystem::remove(dir / "model.safetensors.index.json");
  const Checkpoint ck(dir.path());
  EXPECT_EQ(ck.layout(), CheckpointLayout::kDirectoryScan);
  EXPECT_EQ(ck.names().size(), 3u);
  EXPECT_EQ(ck.get("lm_head.weight").data<float>()[0], 3.0f);

  // The same name in two files is ambiguous.
  SafetensorsWriter().add_f32("lm_head.weight", {1, 2}, {5, 6}).write(dir / "extra.safetensors");
  EXPECT_TRUE(throws_error([&] { Checkpoint c(dir.path()); }, ErrorCode::kBadModel,
                           {"lm_head.weight", "extra.safetensors", "model-00001-of-00002.safetensors"}));
}

TEST(Checkpoint, NoWeightsOrNoDirectory) {
  TempDir dir;
  testing::write_file(dir / "config.json", "{}");
  EXPECT_TRUE(throws_error([&] { Checkpoint ck(dir.path()); }, ErrorCode::kNotFound,
                           {dir.path().string(), "model.safetensors"}));
  EXPECT_TRUE(throws_error([&] { Checkpoint ck(dir / "absent"); }, ErrorCode::kNotFound, {"absent"}));
}

}  // namespace
}  // namespace lightvl::io
