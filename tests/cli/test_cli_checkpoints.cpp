// `lightvl info` / `lightvl logits` end to end: the reference logits through the CLI in both modes, and
// every kind of broken checkpoint (made by corrupting a copy of the tiny model) refused with a non-zero
// exit and a message naming what is wrong, never a crash.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli_runner.h"
#include "io/npy.h"

namespace fs = std::filesystem;

namespace lightvl::test {
namespace {

const std::string kSource = LIGHTVL_SOURCE_DIR;
const std::string kTinyModel = kSource + "/assets/tiny-minimax-text-01";
const std::string kShard1 = "model-00001-of-00002.safetensors";

class CliCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("cli");
    model_ = dir_ + "/model";
    fs::copy(kTinyModel, model_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Expects `lightvl info` on the damaged model to fail cleanly with a message containing each needle.
  void expect_refused(const std::vector<std::string>& needles) {
    const CliResult r = run_cli("info --model '" + model_ + "'");
    EXPECT_FALSE(r.crashed) << r.output;
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("lightvl: error"), std::string::npos) << r.output;
    for (const std::string& needle : needles) EXPECT_NE(r.output.find(needle), std::string::npos) << r.output;
  }

  std::string read(const std::string& name) {
    std::ifstream in(model_ + "/" + name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void write(const std::string& name, const std::string& bytes) {
    std::ofstream(model_ + "/" + name, std::ios::binary | std::ios::trunc) << bytes;
  }

  std::string dir_, model_;
};

TEST_F(CliCheckpoint, GoodModelInfo) {
  const CliResult r = run_cli("info --model '" + model_ + "' --context 1000000");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("LLLSLLLS"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("585344"), std::string::npos) << r.output;  // parameters of the tiny model
}

TEST_F(CliCheckpoint, TruncatedShard) {
  const std::string bytes = read(kShard1);
  write(kShard1, bytes.substr(0, bytes.size() / 2));
  expect_refused({kShard1});
}

TEST_F(CliCheckpoint, MissingShard) {
  fs::remove(model_ + "/" + kShard1);
  expect_refused({kShard1, "model.safetensors.index.json"});
}

TEST_F(CliCheckpoint, HeaderLengthBeyondFile) {
  std::string bytes = read(kShard1);
  const uint64_t huge = uint64_t(1) << 40;
  std::memcpy(bytes.data(), &huge, 8);
  write(kShard1, bytes);
  expect_refused({kShard1});
}

TEST_F(CliCheckpoint, MalformedConfig) {
  write("config.json", "{ \"model_type\": \"minimax_text_01\", ");
  expect_refused({"config.json"});
}

TEST_F(CliCheckpoint, WrongDtype) {
  std::string bytes = read(kShard1);
  const size_t at = bytes.find("\"BF16\"");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 6, "\"I16\" ");  // same length, still valid JSON, same element size
  write(kShard1, bytes);
  expect_refused({"i16"});
}

TEST_F(CliCheckpoint, WrongShape) {
  nlohmann::json config = nlohmann::json::parse(read("config.json"));
  config["intermediate_size"] = 40;  // every expert matrix now has the wrong shape
  write("config.json", config.dump());
  expect_refused({"block_sparse_moe.experts.0.w", "[40, 64]"});
}

TEST_F(CliCheckpoint, MissingTensor) {
  nlohmann::json index = nlohmann::json::parse(read("model.safetensors.index.json"));
  index["weight_map"].erase("model.layers.3.self_attn.k_proj.weight");
  write("model.safetensors.index.json", index.dump());
  expect_refused({"model.layers.3.self_attn.k_proj.weight"});
}

TEST_F(CliCheckpoint, NotAModelDirectory) {
  const CliResult r = run_cli("info --model '" + dir_ + "/nowhere'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("nowhere"), std::string::npos) << r.output;
  fs::remove(model_ + "/config.json");
  expect_refused({"config.json"});
}

// The logits command writes what the reference computed, in both feeding modes.
class CliLogits : public ::testing::TestWithParam<bool> {};

TEST_P(CliLogits, MatchesReferenceLogits) {
  const std::string dir = make_temp_dir("logits");
  std::ifstream in(kSource + "/tests/fixtures/golden/text_released.json");
  const nlohmann::json golden = nlohmann::json::parse(in);
  std::ofstream(dir + "/ids.json") << golden["prompt_ids"].dump();
  const std::string out = dir + "/logits.npy";
  const CliResult r = run_cli("logits --model '" + kTinyModel + "' --ids-file '" + dir + "/ids.json' --out '" + out +
                              "'" + (GetParam() ? " --decode" : ""));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Tensor ours = io::read_npy(out);
  const Tensor ref = io::read_npy(kSource + "/" + golden["logits_file"].get<std::string>());
  ASSERT_EQ(ours.shape(), ref.shape());
  double max_err = 0, max_ref = 0;
  for (int64_t i = 0; i < ref.numel(); ++i) {
    max_err = std::max(max_err, double(std::abs(ours.data<float>()[i] - ref.data<float>()[i])));
    max_ref = std::max(max_ref, double(std::abs(ref.data<float>()[i])));
  }
  std::printf("[ figure ] lightvl logits%s: relative error %.3g\n", GetParam() ? " --decode" : "", max_err / max_ref);
  EXPECT_LE(max_err, 1e-4 * max_ref);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Modes, CliLogits, ::testing::Values(false, true));

TEST(CliArguments, BadIdsAndMissingFlags) {
  CliResult r = run_cli("logits --model '" + kTinyModel + "' --ids 1,x,3 --out /dev/null");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("'x'"), std::string::npos) << r.output;
  r = run_cli("logits --model '" + kTinyModel + "' --ids 1,99999 --out /dev/null");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("99999"), std::string::npos) << r.output;
  r = run_cli("logits --model '" + kTinyModel + "' --out /dev/null");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_FALSE(r.crashed);
}

}  // namespace
}  // namespace lightvl::test
