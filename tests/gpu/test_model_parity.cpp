// The whole model on CUDA against the same transformers goldens the CPU backend is tested on: text
// logits in both feeding modes, greedy continuations, and VL logits (vision tower, projector and backbone
// all on the GPU). Two precisions:
//  - f32 activations over the checkpoint's bf16 weights: the CPU's tolerance, max |error| ≤ 1e-4 · max |logit|,
//    and identical greedy continuations;
//  - bf16 activations and KV cache (the released model's precision, the default on CUDA) against the
//    f32 reference. The bound is derived, not fitted: bf16's unit roundoff is u = 2^-8; a token's path
//    through these 8 postnorm layers (alpha up to 2.1) rounds about 100 times, so errors grow like
//    sqrt(100)·u ≈ 4% of the activation scale, and the largest of 160k logits sits 2-3 sigma out: the
//    stated tolerance is 1e-1 · max |logit| (first measurement on an H200: 4.0% chunked, 5.4% token by
//    token). The sharper check: the top-1 token must agree wherever the reference's top-2 gap is decisive
//    (≥ 0.2, about 7% of the logit range).
// Skips without a GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "ops/devices.h"
#include "support/text_golden.h"

namespace lightvl {
namespace {

using testing::load_text_golden;
using testing::TextGolden;

std::shared_ptr<const Model> cuda_model(const std::string& dir, bool bf16 = false) {
  LoadOptions o;
  o.backend = Backend::kCuda;
  o.cuda_bf16 = bf16;
  return Model::load(dir, o);
}

double relative_error(const Logits& ours, const Tensor& ref, const std::string& label, double tolerance = 1e-4) {
  return testing::relative_error(ours, ref, "cuda " + label, tolerance);
}

class CudaModel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ops::gpu_devices().empty()) GTEST_SKIP() << "no CUDA device on this machine";
  }
};

TEST_F(CudaModel, TextLogitsBothModesAndGreedy) {
  for (const char* name : {"text_released", "text_native"}) {
    const TextGolden g = load_text_golden(name);
    auto model = cuda_model(g.model_dir);
    for (bool token_by_token : {false, true}) {
      Session s(model);
      const Logits l = testing::feed_golden_prompt(s, g, token_by_token);
      EXPECT_LT(relative_error(l, g.logits, std::string(name) + (token_by_token ? " token by token" : " chunked")),
                1e-4);
    }
    Session s(model);
    GenerationConfig c;
    c.greedy = true;
    c.max_tokens = int32_t(g.greedy_ids.size());
    const GenerationResult r = s.generate_ids(g.greedy_prompt, c);
    std::vector<int32_t> reference = g.greedy_ids;
    if (r.stop_reason == StopReason::kEndOfSequence) reference.resize(r.ids.size());
    EXPECT_EQ(r.ids, reference) << name;
  }
}

TEST_F(CudaModel, VisionLanguageLogits) {
  const nlohmann::json g = testing::read_source_json("tests/fixtures/golden/vl_golden.json");
  const std::string root = LIGHTVL_SOURCE_DIR;
  auto model = cuda_model(root + "/" + g["model_dir"].get<std::string>());
  for (const nlohmann::json& c : g["cases"]) {
    std::vector<Image> images;
    for (const auto& name : c["images"]) {
      images.push_back(Image::from_file(root + "/" + g["images"][name.get<std::string>()]["file"].get<std::string>()));
    }
    Session s(model);
    FeedOptions o;
    o.all_logits = true;
    const Logits l = s.feed(c["prompt_ids"].get<std::vector<int32_t>>(), o, images);
    EXPECT_LT(relative_error(l, io::read_npy(root + "/" + c["logits_file"].get<std::string>()), c["name"]), 1e-4);
  }
}

TEST_F(CudaModel, Bf16ActivationsWithinTheStatedTolerance) {
  constexpr double kBf16Tolerance = 1e-1;
  for (const char* name : {"text_released", "text_native"}) {
    const TextGolden g = load_text_golden(name);
    auto model = cuda_model(g.model_dir, /*bf16=*/true);
    const Tensor& ref = g.logits;
    for (bool token_by_token : {false, true}) {
      Session s(model);
      const Logits l = testing::feed_golden_prompt(s, g, token_by_token, FeedOptions{}.chunk_tokens);
      EXPECT_LT(relative_error(l, ref, std::string(name) + " bf16" + (token_by_token ? " token by token" : " chunked"),
                               kBf16Tolerance),
                kBf16Tolerance);
      // Top-1 agreement where the reference is decisive (gap above the bf16 error budget).
      int decisive = 0, agree = 0;
      for (int64_t r = 0; r < ref.dim(0); ++r) {
        const float* want = ref.data<float>() + r * ref.dim(1);
        std::vector<float> sorted(want, want + ref.dim(1));
        std::partial_sort(sorted.begin(), sorted.begin() + 2, sorted.end(), std::greater<float>());
        if (sorted[0] - sorted[1] < 0.2f) continue;
        ++decisive;
        const float* got = l.row(r);
        agree += std::max_element(got, got + l.vocab) - got == std::max_element(want, want + ref.dim(1)) - want;
      }
      std::printf("[ figure ] cuda %s bf16: top-1 agrees on %d of %d decisive positions\n", name, agree, decisive);
      EXPECT_EQ(agree, decisive);
    }
  }
}

}  // namespace
}  // namespace lightvl
