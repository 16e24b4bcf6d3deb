// The whole model on CUDA against the same transformers goldens the CPU backend is tested on: text
// logits in both feeding modes, greedy continuations, and VL logits (vision tower on the CPU, backbone
// on the GPU). The CUDA path computes activations in f32 over the checkpoint's bf16 weights, so the CPU's
// tolerance applies: max |error| ≤ 1e-4 · max |logit|. Skips without a GPU.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "io/npy.h"
#include "lightvl/session.h"
#include "ops/devices.h"

namespace lightvl {
namespace {

const std::string kRoot = LIGHTVL_SOURCE_DIR;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(kRoot + "/" + path);
  return nlohmann::json::parse(in);
}

std::shared_ptr<const Model> cuda_model(const std::string& dir) {
  LoadOptions o;
  o.backend = Backend::kCuda;
  return Model::load(kRoot + "/" + dir, o);
}

double relative_error(const Logits& ours, const Tensor& ref, const std::string& label) {
  EXPECT_EQ(ours.rows, ref.dim(0));
  double max_err = 0, max_ref = 0;
  for (int64_t i = 0; i < std::min<int64_t>(ref.numel(), int64_t(ours.values.size())); ++i) {
    max_err = std::max(max_err, double(std::abs(ours.values[size_t(i)] - ref.data<float>()[i])));
    max_ref = std::max(max_ref, double(std::abs(ref.data<float>()[i])));
  }
  std::printf("[ figure ] cuda %s: relative error %.3g (tolerance 1e-4)\n", label.c_str(), max_err / max_ref);
  return max_err / max_ref;
}

class CudaModel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ops::gpu_devices().empty()) GTEST_SKIP() << "no CUDA device on this machine";
  }
};

TEST_F(CudaModel, TextLogitsBothModesAndGreedy) {
  for (const char* name : {"text_released", "text_native"}) {
    const nlohmann::json g = read_json(std::string("tests/fixtures/golden/") + name + ".json");
    auto model = cuda_model(g["model_dir"]);
    const Tensor ref = io::read_npy(kRoot + "/" + g["logits_file"].get<std::string>());
    for (bool token_by_token : {false, true}) {
      Session s(model);
      FeedOptions o;
      o.all_logits = true;
      o.token_by_token = token_by_token;
      o.chunk_tokens = 100;
      const Logits l = s.feed(g["prompt_ids"].get<std::vector<int32_t>>(), o);
      EXPECT_LT(relative_error(l, ref, std::string(name) + (token_by_token ? " token by token" : " chunked")), 1e-4);
    }
    Session s(model);
    GenerationConfig c;
    c.greedy = true;
    const auto expected = g["greedy_ids"].get<std::vector<int32_t>>();
    c.max_tokens = int32_t(expected.size());
    const GenerationResult r = s.generate_ids(g["greedy_prompt_ids"].get<std::vector<int32_t>>(), c);
    std::vector<int32_t> reference = expected;
    if (r.stop_reason == StopReason::kEndOfSequence) reference.resize(r.ids.size());
    EXPECT_EQ(r.ids, reference) << name;
  }
}

TEST_F(CudaModel, VisionLanguageLogits) {
  const nlohmann::json g = read_json("tests/fixtures/golden/vl_golden.json");
  auto model = cuda_model(g["model_dir"]);
  for (const nlohmann::json& c : g["cases"]) {
    std::vector<Image> images;
    for (const auto& name : c["images"]) {
      images.push_back(Image::from_file(kRoot + "/" + g["images"][name.get<std::string>()]["file"].get<std::string>()));
    }
    Session s(model);
    FeedOptions o;
    o.all_logits = true;
    const Logits l = s.feed(c["prompt_ids"].get<std::vector<int32_t>>(), o, images);
    EXPECT_LT(relative_error(l, io::read_npy(kRoot + "/" + c["logits_file"].get<std::string>()), c["name"]), 1e-4);
  }
}

}  // namespace
}  // namespace lightvl
