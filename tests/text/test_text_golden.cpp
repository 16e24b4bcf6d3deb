// The text backbone against transformers' fp32 reference logits (tests/reference/make_text_goldens.py):
// both checkpoint layouts (released remote-code config, sharded bf16; native config, fp32 single file),
// every feeding mode (one chunk, odd chunk sizes that straddle lightning blocks, token by token, two
// turns), and greedy continuations. Tolerance (issue 2): max |error| ≤ 1e-4 · max |logit|.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "io/npy.h"
#include "lightvl/session.h"

namespace lightvl {
namespace {

constexpr double kRelativeTolerance = 1e-4;

struct Golden {
  std::string model_dir;
  std::vector<int32_t> prompt;
  std::vector<int32_t> greedy_prompt;
  std::vector<int32_t> greedy_ids;
  Tensor logits;  // [T, vocab] f32
};

Golden load_golden(const std::string& name) {
  const std::string root = LIGHTVL_SOURCE_DIR;
  std::ifstream in(root + "/tests/fixtures/golden/" + name + ".json");
  EXPECT_TRUE(in.good()) << "missing golden " << name;
  const nlohmann::json j = nlohmann::json::parse(in);
  Golden g;
  g.model_dir = root + "/" + j.at("model_dir").get<std::string>();
  g.prompt = j.at("prompt_ids").get<std::vector<int32_t>>();
  g.greedy_prompt = j.at("greedy_prompt_ids").get<std::vector<int32_t>>();
  g.greedy_ids = j.at("greedy_ids").get<std::vector<int32_t>>();
  g.logits = io::read_npy(root + "/" + j.at("logits_file").get<std::string>());
  return g;
}

// Max |ours − reference| / max |reference| over the reference rows from `first_row` on; printed.
double relative_error(const Logits& ours, const Tensor& ref, const std::string& label, int64_t first_row = 0) {
  EXPECT_EQ(ours.vocab, ref.dim(1));
  EXPECT_EQ(ours.rows, ref.dim(0) - first_row);
  const float* expected = ref.data<float>() + first_row * ref.dim(1);
  const size_t n = std::min(ours.values.size(), size_t((ref.dim(0) - first_row) * ref.dim(1)));
  double max_err = 0, max_ref = 0;
  for (size_t i = 0; i < n; ++i) {
    max_err = std::max(max_err, std::abs(double(ours.values[i]) - expected[i]));
    max_ref = std::max(max_ref, std::abs(double(expected[i])));
  }
  const double rel = max_err / max_ref;
  std::printf("[ figure ] %s: max abs err %.3g, max |logit| %.3g, relative %.3g (tolerance %.0e)\n",
              label.c_str(), max_err, max_ref, rel, kRelativeTolerance);
  return rel;
}

class TextGolden : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    golden_ = load_golden(GetParam());
    model_ = Model::load(golden_.model_dir);
  }
  Golden golden_;
  std::shared_ptr<const Model> model_;
};

TEST_P(TextGolden, ChunkedPrefillMatchesReference) {
  for (int64_t chunk : {int64_t(4096), int64_t(100), int64_t(37)}) {
    Session s(model_);
    FeedOptions o;
    o.all_logits = true;
    o.chunk_tokens = chunk;
    const Logits l = s.feed(golden_.prompt, o);
    EXPECT_LT(relative_error(l, golden_.logits, GetParam() + " chunk " + std::to_string(chunk)), kRelativeTolerance);
    EXPECT_EQ(s.position(), int64_t(golden_.prompt.size()));
  }
}

TEST_P(TextGolden, TokenByTokenMatchesReference) {
  Session s(model_);
  FeedOptions o;
  o.all_logits = true;
  o.token_by_token = true;
  EXPECT_LT(relative_error(s.feed(golden_.prompt, o), golden_.logits, GetParam() + " token by token"),
            kRelativeTolerance);
}

TEST_P(TextGolden, SecondTurnContinuesTheState) {
  // Feed the prompt as two turns; the second turn's logits are the reference rows 150..319.
  Session s(model_);
  FeedOptions o;
  o.all_logits = true;
  const std::vector<int32_t> first(golden_.prompt.begin(), golden_.prompt.begin() + 150);
  const std::vector<int32_t> second(golden_.prompt.begin() + 150, golden_.prompt.end());
  s.feed(first, o);
  const Logits l = s.feed(second, o);
  EXPECT_LT(relative_error(l, golden_.logits, GetParam() + " second turn", 150), kRelativeTolerance);
}

TEST_P(TextGolden, ForkedSessionsEvolveIndependently) {
  Session a(model_);
  FeedOptions o;
  o.all_logits = true;
  a.feed(std::vector<int32_t>(golden_.prompt.begin(), golden_.prompt.begin() + 100), o);
  Session b = a.fork();
  a.feed({1, 2, 3});  // diverge a
  const Logits l = b.feed(std::vector<int32_t>(golden_.prompt.begin() + 100, golden_.prompt.end()), o);
  EXPECT_LT(relative_error(l, golden_.logits, GetParam() + " forked", 100), kRelativeTolerance);
}

TEST_P(TextGolden, GreedyContinuationMatchesReference) {
  Session s(model_);
  Logits l = s.feed(golden_.greedy_prompt);
  std::vector<int32_t> generated;
  for (size_t i = 0; i < golden_.greedy_ids.size(); ++i) {
    const float* row = l.row(0);
    const int32_t next = int32_t(std::max_element(row, row + l.vocab) - row);
    generated.push_back(next);
    l = s.feed({next});
  }
  EXPECT_EQ(generated, golden_.greedy_ids);
}

INSTANTIATE_TEST_SUITE_P(Checkpoints, TextGolden, ::testing::Values("text_released", "text_native"));

TEST(TextModel, BadIdsAreRefusedAndLeaveTheStateUnchanged) {
  Session s(Model::load(std::string(LIGHTVL_SOURCE_DIR) + "/assets/tiny-minimax-text-01"));
  s.feed({1, 2});
  try {
    s.feed({3, 512});
    FAIL() << "id 512 accepted for a vocabulary of 512";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(s.position(), 2);
  EXPECT_THROW(s.feed({}), Error);
}

}  // namespace
}  // namespace lightvl
