// Sampler semantics against hand-computed distributions: each filter keeps exactly the tokens its
// definition says, draws follow the renormalised probabilities, penalties change the right logits.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "core/error.h"
#include "engine/sampler.h"

namespace lightvl::engine {
namespace {

// Logits whose softmax at temperature 1 is exactly `probs`.
std::vector<float> logits_of(const std::vector<double>& probs) {
  std::vector<float> z;
  for (double p : probs) z.push_back(float(std::log(p)));
  return z;
}

std::map<int32_t, int> draw(GenerationConfig c, const std::vector<double>& probs, int n) {
  c.seed = 1234;
  Sampler s(c);
  std::map<int32_t, int> counts;
  for (int i = 0; i < n; ++i) {
    std::vector<float> z = logits_of(probs);
    ++counts[s.sample(z.data(), int64_t(z.size()), {})];
  }
  return counts;
}

const std::vector<double> kProbs = {0.05, 0.4, 0.3, 0.15, 0.1};

TEST(Sampler, GreedyIsArgmaxWithLowerIdOnTies) {
  GenerationConfig c;
  c.greedy = true;
  Sampler s(c);
  std::vector<float> z = {1, 3, 3, 2};
  EXPECT_EQ(s.sample(z.data(), 4, {}), 1);
}

TEST(Sampler, PlainSamplingFollowsTheDistribution) {
  GenerationConfig c;
  c.temperature = 1.0f;
  c.top_p = 1.0f;
  const int n = 20000;
  const auto counts = draw(c, kProbs, n);
  for (size_t i = 0; i < kProbs.size(); ++i) {
    const double freq = double(counts.count(int32_t(i)) ? counts.at(int32_t(i)) : 0) / n;
    EXPECT_NEAR(freq, kProbs[i], 0.015) << "token " << i;
  }
}

TEST(Sampler, TopKTopPAndMinPKeepTheDefinedSets) {
  GenerationConfig c;
  c.temperature = 1.0f;
  c.top_p = 1.0f;
  c.top_k = 2;  // {1, 2}
  auto counts = draw(c, kProbs, 4000);
  EXPECT_EQ(counts.size(), 2u);
  EXPECT_TRUE(counts.count(1) && counts.count(2));
  EXPECT_NEAR(double(counts[1]) / 4000, 0.4 / 0.7, 0.03);

  c.top_k = 0;
  c.top_p = 0.8f;  // 0.4 + 0.3 = 0.7 < 0.8, + 0.15 = 0.85 ≥ 0.8 → {1, 2, 3}
  counts = draw(c, kProbs, 4000);
  EXPECT_EQ(counts.size(), 3u);
  EXPECT_FALSE(counts.count(0) || counts.count(4));

  c.top_p = 1.0f;
  c.min_p = 0.3f;  // floor 0.12 → {1, 2, 3}
  counts = draw(c, kProbs, 4000);
  EXPECT_EQ(counts.size(), 3u);
  EXPECT_FALSE(counts.count(0) || counts.count(4));
}

TEST(Sampler, LowTemperatureSharpensAndSeedReproduces) {
  GenerationConfig c;
  c.temperature = 0.05f;
  c.top_p = 1.0f;
  const auto counts = draw(c, kProbs, 1000);
  EXPECT_GT(counts.at(1), 990);
  c.temperature = 1.0f;
  EXPECT_EQ(draw(c, kProbs, 200), draw(c, kProbs, 200));
}

TEST(Sampler, PenaltiesChangeOnlySeenTokens) {
  GenerationConfig c;
  c.greedy = true;
  c.repetition_penalty = 2.0f;
  Sampler s(c);
  std::vector<float> z = {1.0f, 4.0f, 3.0f, -1.0f};
  EXPECT_EQ(s.sample(z.data(), 4, {1}), 2);  // 4 / 2 = 2 < 3
  EXPECT_FLOAT_EQ(z[1], 2.0f);
  EXPECT_FLOAT_EQ(z[2], 3.0f);

  GenerationConfig f;
  f.greedy = true;
  f.frequency_penalty = 0.6f;
  f.presence_penalty = 0.5f;
  Sampler g(f);
  std::vector<float> y = {0.0f, 3.0f, 2.5f};
  EXPECT_EQ(g.sample(y.data(), 3, {1, 1, 2}), 2);  // 3 − 0.5 − 1.2 = 1.3; 2.5 − 0.5 − 0.6 = 1.4
  EXPECT_NEAR(y[1], 1.3f, 1e-6);
  EXPECT_NEAR(y[2], 1.4f, 1e-6);
}

TEST(Sampler, RejectsInvalidSettings) {
  GenerationConfig c;
  c.temperature = 0.0f;
  EXPECT_THROW(Sampler{c}, Error);
  c = {};
  c.top_p = 1.5f;
  EXPECT_THROW(Sampler{c}, Error);
  c = {};
  c.repetition_penalty = 0.0f;
  EXPECT_THROW(Sampler{c}, Error);
}

}  // namespace
}  // namespace lightvl::engine
