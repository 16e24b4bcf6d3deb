// `lightvl logits --image` and `lightvl image-tokens` on the tiny VL checkpoint against the transformers
// MiniMax-VL-01 goldens (tests/reference/make_vl_goldens.py): one placeholder id per image in --ids,
// expanded by the engine; the output has one row per expanded position.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "cli_runner.h"
#include "io/npy.h"

namespace lightvl::test {
namespace {

const std::string kSource = LIGHTVL_SOURCE_DIR;

nlohmann::json golden() {
  std::ifstream in(kSource + "/tests/fixtures/golden/vl_golden.json");
  return nlohmann::json::parse(in);
}

std::string join(const std::vector<int>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s;
}

class CliVlLogits : public ::testing::TestWithParam<std::tuple<int, bool>> {};

TEST_P(CliVlLogits, MatchesReference) {
  const auto [index, decode] = GetParam();
  const nlohmann::json g = golden();
  const nlohmann::json& c = g["cases"][size_t(index)];
  std::string images;
  for (const auto& name : c["images"]) {
    images += " --image '" + kSource + "/" + g["images"][name.get<std::string>()]["file"].get<std::string>() + "'";
  }
  const std::string dir = make_temp_dir("vl");
  const std::string out = dir + "/logits.npy";
  const CliResult r = run_cli("logits --model '" + kSource + "/" + g["model_dir"].get<std::string>() + "' --ids " +
                              join(c["prompt_ids"].get<std::vector<int>>()) + images + " --out '" + out + "'" +
                              (decode ? " --decode" : ""));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Tensor ours = io::read_npy(out);
  const Tensor ref = io::read_npy(kSource + "/" + c["logits_file"].get<std::string>());
  ASSERT_EQ(ours.shape(), ref.shape());
  EXPECT_EQ(ours.dim(0), c["expanded_length"].get<int64_t>());
  double max_err = 0, max_ref = 0;
  for (int64_t i = 0; i < ref.numel(); ++i) {
    max_err = std::max(max_err, double(std::abs(ours.data<float>()[i] - ref.data<float>()[i])));
    max_ref = std::max(max_ref, double(std::abs(ref.data<float>()[i])));
  }
  std::printf("[ figure ] VL %s%s: relative error %.3g\n", c["name"].get<std::string>().c_str(),
              decode ? " (--decode)" : "", max_err / max_ref);
  EXPECT_LE(max_err, 1e-4 * max_ref);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Cases, CliVlLogits, ::testing::Combine(::testing::Range(0, 4), ::testing::Bool()));

TEST(CliVl, ImageTokensMatchTheReferenceCounts) {
  const nlohmann::json g = golden();
  for (const auto& [name, image] : g["images"].items()) {
    const CliResult r = run_cli("image-tokens --model '" + kSource + "/" + g["model_dir"].get<std::string>() +
                                "' --image '" + kSource + "/" + image["file"].get<std::string>() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(" " + std::to_string(image["num_tokens"].get<int>()) + " tokens"), std::string::npos)
        << name << ": " << r.output;
  }
}

TEST(CliVl, PlaceholderImageMismatchAndBadImagesAreErrors) {
  const nlohmann::json g = golden();
  const std::string model = kSource + "/" + g["model_dir"].get<std::string>();
  CliResult r = run_cli("logits --model '" + model + "' --ids 1,511,2,511 --image '" + kSource +
                        "/tests/fixtures/images/png_rgb.png' --out /dev/null");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("placeholder"), std::string::npos) << r.output;
  for (const char* bad : {"corrupt.jpg", "truncated.png", "zero_width.png", "nonexistent.png"}) {
    r = run_cli("logits --model '" + model + "' --ids 1,511 --image '" + kSource + "/tests/fixtures/images/" + bad +
                "' --out /dev/null");
    EXPECT_FALSE(r.crashed) << bad;
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_NE(r.output.find(bad), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace lightvl::test
