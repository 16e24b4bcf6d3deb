// Sampling pipeline: penalties on the raw logits, then temperature, then the candidate filters (top-k,
// top-p, min-p) on probabilities ranked only as far as the filters look (a partial sort that grows on
// demand, not a sort of the whole vocabulary), then one draw from the renormalised survivors. Greedy is an
// argmax on the penalised logits (ties to the lower id). All arithmetic in f32/double; O(V) per token for
// peaked distributions (softmax plus a partial sort of a few dozen entries), O(V log V) only when a filter
// reaches deep into the ranking.
#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "core/error.h"

namespace lightvl::engine {
namespace {

void check_config(const GenerationConfig& c) {
  auto bad = [](const std::string& field, const std::string& rule) {
    fail(ErrorCode::kInvalidArgument, "generation config: " + field + " " + rule);
  };
  if (c.max_tokens < 0) bad("max_tokens", "must be ≥ 0");
  if (!c.greedy && !(c.temperature > 0)) bad("temperature", "must be > 0 (use greedy for deterministic output)");
  if (c.top_k < 0) bad("top_k", "must be ≥ 0 (0 = off)");
  if (!(c.top_p > 0 && c.top_p <= 1)) bad("top_p", "must be in (0, 1]");
  if (!(c.min_p >= 0 && c.min_p < 1)) bad("min_p", "must be in [0, 1)");
  if (!(c.repetition_penalty > 0)) bad("repetition_penalty", "must be > 0 (1 = off)");
  if (c.penalty_window < 0) bad("penalty_window", "must be ≥ 0");
}

}  // namespace

Sampler::Sampler(const GenerationConfig& config) : config_(config) {
  check_config(config_);
  seed_ = config_.seed >= 0 ? uint64_t(config_.seed) : (uint64_t(std::random_device{}()) << 32 | std::random_device{}());
  rng_.seed(seed_);
}

bool Sampler::penalises() const {
  const bool any = config_.repetition_penalty != 1.0f || config_.presence_penalty != 0.0f ||
                   config_.frequency_penalty != 0.0f;
  return any && config_.penalty_window != 0;
}

bool Sampler::picks_argmax() const { return config_.greedy && !penalises(); }

void Sampler::apply_penalties(float* logits, int64_t vocab, const std::vector<int32_t>& history) const {
  if (!penalises()) return;
  std::unordered_map<int32_t, int> counts;
  const size_t from = history.size() > size_t(config_.penalty_window) ? history.size() - size_t(config_.penalty_window) : 0;
  for (size_t i = from; i < history.size(); ++i) {
    if (history[i] >= 0 && history[i] < vocab) ++counts[history[i]];
  }
  for (const auto& [id, count] : counts) {
    float& z = logits[id];
    if (config_.repetition_penalty != 1.0f) z = z > 0 ? z / config_.repetition_penalty : z * config_.repetition_penalty;
    z -= config_.presence_penalty + config_.frequency_penalty * float(count);
  }
}

int32_t Sampler::sample(float* logits, int64_t vocab, const std::vector<int32_t>& history) {
  apply_penalties(logits, vocab, history);
  if (config_.greedy) return int32_t(std::max_element(logits, logits + vocab) - logits);

  // Softmax at the temperature, over candidates sorted by probability (stable: ties keep the lower id).
  const float max_logit = *std::max_element(logits, logits + vocab);
  probs_.resize(size_t(vocab));
  double total = 0;
  for (int64_t i = 0; i < vocab; ++i) total += (probs_[size_t(i)] = std::exp((logits[i] - max_logit) / config_.temperature));
  for (float& p : probs_) p = float(p / total);
  candidates_.resize(size_t(vocab));
  std::iota(candidates_.begin(), candidates_.end(), 0);
  sorted_ = 0;

  const bool filtered = config_.top_k > 0 || config_.top_p < 1.0f || config_.min_p > 0.0f;
  size_t keep = candidates_.size();
  if (config_.top_k > 0) keep = std::min(keep, size_t(config_.top_k));
  if (config_.top_p < 1.0f) {
    double cumulative = 0;
    for (size_t i = 0; i < keep; ++i) {
      cumulative += probs_[size_t(ranked(i))];
      if (cumulative >= config_.top_p) {
        keep = i + 1;
        break;
      }
    }
  }
  if (config_.min_p > 0.0f) {
    const float floor = config_.min_p * probs_[size_t(ranked(0))];
    size_t i = 1;
    while (i < keep && probs_[size_t(ranked(i))] >= floor) ++i;
    keep = i;
  }
  if (filtered) ranked(keep - 1);  // the kept set, in rank order
  // Unfiltered, every token stays and the order does not matter: draw in index order, no sort at all.
  double kept = 0;
  for (size_t i = 0; i < keep; ++i) kept += probs_[size_t(candidates_[i])];
  double draw = std::uniform_real_distribution<double>(0.0, kept)(rng_);
  for (size_t i = 0; i < keep; ++i) {
    draw -= probs_[size_t(candidates_[i])];
    if (draw < 0) return candidates_[i];
  }
  return candidates_[keep - 1];
}

int32_t Sampler::ranked(size_t i) {
  // candidates_[0, sorted_) already hold the best tokens in rank order (probability descending, lower id
  // first on ties: a total order, so the result equals a full stable sort). Extend that prefix in chunks
  // that grow geometrically: peaked distributions (the usual case) never sort more than a few dozen of
  // the 200k entries.
  if (i >= sorted_) {
    const size_t target = std::min(candidates_.size(), std::max({i + 1, size_t(64), 4 * sorted_}));
    auto better = [this](int32_t a, int32_t b) {
      const float pa = probs_[size_t(a)], pb = probs_[size_t(b)];
      return pa > pb || (pa == pb && a < b);
    };
    std::partial_sort(candidates_.begin() + int64_t(sorted_), candidates_.begin() + int64_t(target), candidates_.end(),
                      better);
    sorted_ = target;
  }
  return candidates_[i];
}

}  // namespace lightvl::engine
