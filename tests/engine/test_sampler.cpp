// Sampler semantics against hand-computed distributions: each filter keeps exactly the tokens its
// definition says, draws follow the renormalised probabilities, penalties change the right logits.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <tuple>

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

// The lazy ranking must pick exactly what ranking the whole vocabulary (stable sort, lower id first on
// ties) picks: same kept set, same order, so the same draw gives the same token.
int32_t reference_sample(const std::vector<float>& z, const GenerationConfig& c, std::mt19937_64& rng) {
  const float mx = *std::max_element(z.begin(), z.end());
  std::vector<float> p(z.size());
  double total = 0;
  for (size_t i = 0; i < z.size(); ++i) total += (p[i] = std::exp((z[i] - mx) / c.temperature));
  for (float& x : p) x = float(x / total);
  std::vector<int32_t> order(z.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return p[size_t(a)] > p[size_t(b)]; });
  size_t keep = order.size();
  if (c.top_k > 0) keep = std::min(keep, size_t(c.top_k));
  if (c.top_p < 1.0f) {
    double cum = 0;
    for (size_t i = 0; i < keep; ++i) {
      cum += p[size_t(order[i])];
      if (cum >= c.top_p) {
        keep = i + 1;
        break;
      }
    }
  }
  if (c.min_p > 0) {
    size_t i = 1;
    while (i < keep && p[size_t(order[i])] >= c.min_p * p[size_t(order[0])]) ++i;
    keep = i;
  }
  double kept = 0;
  for (size_t i = 0; i < keep; ++i) kept += p[size_t(order[i])];
  double draw = std::uniform_real_distribution<double>(0.0, kept)(rng);
  for (size_t i = 0; i < keep; ++i) {
    draw -= p[size_t(order[i])];
    if (draw < 0) return order[i];
  }
  return order[keep - 1];
}

TEST(Sampler, LazyRankingEqualsAFullSort) {
  std::mt19937 gen(5);
  std::normal_distribution<float> noise(0.0f, 3.0f);
  std::vector<float> z(5000);
  for (float& x : z) x = std::round(noise(gen) * 4.0f) / 4.0f;  // many exact ties
  for (const auto& [k, p, m] : {std::tuple{0, 0.9f, 0.0f}, {50, 1.0f, 0.0f}, {0, 0.999f, 0.0f}, {200, 0.95f, 0.01f},
                                {0, 1.0f, 0.02f}}) {
    GenerationConfig c;
    c.top_k = k;
    c.top_p = p;
    c.min_p = m;
    c.temperature = 1.3f;
    c.seed = 77;
    Sampler s(c);
    std::mt19937_64 rng(77);
    for (int draw = 0; draw < 300; ++draw) {
      std::vector<float> logits = z;
      ASSERT_EQ(s.sample(logits.data(), int64_t(logits.size()), {}), reference_sample(z, c, rng))
          << "top_k " << k << " top_p " << p << " min_p " << m << " draw " << draw;
    }
  }
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
