// Test helpers shared by the suites that compare the whole text model's logits with transformers' goldens
// (tests/fixtures/golden/text_*.json, written by tests/reference/make_text_goldens.py) on any backend and
// weight format: the golden record, the relative-error figure every comparison prints, and the golden
// prompt fed in the goldens' two modes.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "io/npy.h"
#include "lightvl/session.h"

namespace lightvl::testing {

// LIGHTVL_SOURCE_DIR/relative, parsed; a missing file fails the calling test.
inline nlohmann::json read_source_json(const std::string& relative) {
  std::ifstream in(std::string(LIGHTVL_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in.good()) << "missing " << relative;
  return nlohmann::json::parse(in);
}

// One text golden: its checkpoint (absolute path), the prompt with transformers' fp32 logits for every
// position, and a shorter prompt with its greedy continuation.
struct TextGolden {
  std::string name;  // "text_released" or "text_native"
  std::string model_dir;
  std::vector<int32_t> prompt;
  Tensor logits;  // [prompt length, vocab] f32
  std::vector<int32_t> greedy_prompt;
  std::vector<int32_t> greedy_ids;
};

// tests/fixtures/golden/NAME.json and the logits it names.
inline TextGolden load_text_golden(const std::string& name) {
  const nlohmann::json j = read_source_json("tests/fixtures/golden/" + name + ".json");
  const std::string root = LIGHTVL_SOURCE_DIR;
  TextGolden g;
  g.name = name;
  g.model_dir = root + "/" + j.at("model_dir").get<std::string>();
  g.prompt = j.at("prompt_ids").get<std::vector<int32_t>>();
  g.logits = io::read_npy(root + "/" + j.at("logits_file").get<std::string>());
  g.greedy_prompt = j.at("greedy_prompt_ids").get<std::vector<int32_t>>();
  g.greedy_ids = j.at("greedy_ids").get<std::vector<int32_t>>();
  return g;
}

// Max |ours − want| / max |want| over the first min(n_ours, n_want) values, printed as one "[ figure ]" line
// with `label` and `tolerance`. The caller checks the shapes.
inline double relative_error(const float* ours, size_t n_ours, const float* want, size_t n_want,
                             const std::string& label, double tolerance) {
  double max_err = 0, max_want = 0;
  for (size_t i = 0; i < std::min(n_ours, n_want); ++i) {
    max_err = std::max(max_err, std::abs(double(ours[i]) - double(want[i])));
    max_want = std::max(max_want, std::abs(double(want[i])));
  }
  const double rel = max_err / max_want;
  std::printf("[ figure ] %s: max abs err %.3g, max |logit| %.3g, relative %.3g (tolerance %.0e)\n", label.c_str(),
              max_err, max_want, rel, tolerance);
  return rel;
}

// `ours` against the reference's rows from `first_row` on (row count and vocabulary checked).
inline double relative_error(const Logits& ours, const Tensor& ref, const std::string& label, double tolerance,
                             int64_t first_row = 0) {
  EXPECT_EQ(ours.vocab, ref.dim(1)) << label;
  EXPECT_EQ(ours.rows, ref.dim(0) - first_row) << label;
  return relative_error(ours.values.data(), ours.values.size(), ref.data<float>() + first_row * ref.dim(1),
                        size_t((ref.dim(0) - first_row) * ref.dim(1)), label, tolerance);
}

// The golden prompt fed to a fresh state of `session` with every position's logits: in chunks of
// `chunk_tokens` (100 straddles the lightning blocks) or token by token.
inline Logits feed_golden_prompt(Session& session, const TextGolden& g, bool token_by_token,
                                 int64_t chunk_tokens = 100) {
  FeedOptions o;
  o.all_logits = true;
  o.token_by_token = token_by_token;
  o.chunk_tokens = chunk_tokens;
  return session.feed(g.prompt, o);
}

}  // namespace lightvl::testing
