// Engine role: turn one row of logits into the next token id (GenerationConfig semantics).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "lightvl/generation.h"

namespace lightvl::engine {

class Sampler {
 public:
  // Validates `config` (Error(kInvalidArgument) naming the field for values out of range) and seeds the RNG.
  explicit Sampler(const GenerationConfig& config);

  // Picks the next token from `logits` (vocab floats; modified in place by penalties and scaling) given the
  // recent token history (prompt and generated; the penalty window applies). Deterministic for a seed.
  int32_t sample(float* logits, int64_t vocab, const std::vector<int32_t>& history);

  // True when sample() is the plain argmax of the logits (greedy, and no penalty can change a logit), so a
  // caller may compute that argmax where the logits are (ops::argmax_rows, same tie and NaN rules) and
  // skip sample().
  bool picks_argmax() const;

  // The seed in use (the drawn one when the config said −1), for reproducing a run.
  uint64_t seed() const { return seed_; }

 private:
  bool penalises() const;  // whether apply_penalties can change a logit
  void apply_penalties(float* logits, int64_t vocab, const std::vector<int32_t>& history) const;
  // The token of rank `i` (0 = most likely), ranking lazily (see sampler.cpp).
  int32_t ranked(size_t i);

  GenerationConfig config_;
  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  std::vector<int32_t> candidates_;
  std::vector<float> probs_;
  size_t sorted_ = 0;  // candidates_[0, sorted_) are in rank order
};

}  // namespace lightvl::engine
