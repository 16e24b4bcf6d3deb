// Weight-only int8 loading (LoadOptions::weights = kInt8) on the CPU against the same transformers fp32
// goldens as test_text_golden: the logits of both fixture checkpoints (chunked prefill and token by
// token) and the greedy continuations. int8 moves the logits by design, so the tolerance is not the
// float model's 1e-4: it is set from the measured error (printed as "[ figure ]") with margin, see
// kInt8Tolerance. The float goldens and their tolerance are untouched.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "support/text_golden.h"

namespace lightvl {
namespace {

using testing::load_text_golden;
using testing::relative_error;
using testing::TextGolden;

// max |error| / max |logit| allowed with int8 projections, per fixture, set from the first measurement
// (OpenBLAS, x86-64) with 1.5-2x margin: the released-config model (8 postnorm layers, DeepNorm alpha
// 1.7, which amplifies per-layer error) measured 5.34e-2 in both feeding modes; the native one
// (4 layers) 2.6e-3. Top-1 agreement with the reference measured 0.9969 (1 of 320 positions differs)
// and 1.0; asserted ≥ kMinTop1Agreement. Greedy continuations measured identical (12/12 tokens on both).
double int8_tolerance(const std::string& fixture) { return fixture == "text_released" ? 8e-2 : 5e-3; }
constexpr double kMinTop1Agreement = 0.99;

std::shared_ptr<const Model> int8_model(const std::string& dir) {
  LoadOptions o;
  o.weights = WeightFormat::kInt8;
  return Model::load(dir, o);
}

// Fraction of rows whose top-1 token equals the reference's.
double top1_agreement(const Logits& ours, const Tensor& ref) {
  int64_t same = 0;
  for (int64_t r = 0; r < ours.rows; ++r) {
    const float* a = ours.row(r);
    const float* b = ref.data<float>() + r * ref.dim(1);
    same += (std::max_element(a, a + ours.vocab) - a) == (std::max_element(b, b + ours.vocab) - b);
  }
  return double(same) / double(std::max<int64_t>(ours.rows, 1));
}

class Int8Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Int8Golden, LogitsStayNearTheReference) {
  const TextGolden g = load_text_golden(GetParam());
  const auto model = int8_model(g.model_dir);
  EXPECT_EQ(model->info().weight_format, "int8");
  for (bool token_by_token : {false, true}) {
    Session s(model);
    const Logits l = testing::feed_golden_prompt(s, g, token_by_token);
    const std::string label = "int8 " + GetParam() + (token_by_token ? " token by token" : " chunked");
    EXPECT_LT(relative_error(l, g.logits, label, int8_tolerance(GetParam())), int8_tolerance(GetParam()));
    const double agree = top1_agreement(l, g.logits);
    std::printf("[ figure ] %s: top-1 agreement with the reference %.4f over %lld positions\n", label.c_str(),
                agree, (long long)l.rows);
    EXPECT_GE(agree, kMinTop1Agreement);
  }
}

TEST_P(Int8Golden, GreedyContinuation) {
  const TextGolden g = load_text_golden(GetParam());
  Session s(int8_model(g.model_dir));
  Logits l = s.feed(g.greedy_prompt);
  std::vector<int32_t> generated;
  for (size_t i = 0; i < g.greedy_ids.size(); ++i) {
    const float* row = l.row(0);
    generated.push_back(int32_t(std::max_element(row, row + l.vocab) - row));
    l = s.feed({generated.back()});
  }
  size_t same_prefix = 0;
  while (same_prefix < g.greedy_ids.size() && generated[same_prefix] == g.greedy_ids[same_prefix]) ++same_prefix;
  std::printf("[ figure ] int8 %s greedy: first %zu of %zu tokens equal the reference\n", GetParam().c_str(),
              same_prefix, g.greedy_ids.size());
  EXPECT_EQ(generated, g.greedy_ids);
}

INSTANTIATE_TEST_SUITE_P(Checkpoints, Int8Golden, ::testing::Values("text_released", "text_native"));

TEST(Int8Memory, EstimateCountsOneBytePerProjectionWeight) {
  const TextGolden g = load_text_golden("text_released");
  const auto base = Model::load(g.model_dir);
  const auto int8 = int8_model(g.model_dir);
  const uint64_t a = base->memory_for_context(1024).weight_bytes, b = int8->memory_for_context(1024).weight_bytes;
  std::printf("[ figure ] weights as loaded: checkpoint %llu bytes, int8 %llu bytes\n", (unsigned long long)a,
              (unsigned long long)b);
  EXPECT_LT(b, a);
}

}  // namespace
}  // namespace lightvl
