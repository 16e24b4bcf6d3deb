// The text backbone against transformers' fp32 reference logits (tests/reference/make_text_goldens.py):
// both checkpoint layouts (released remote-code config, sharded bf16; native config, fp32 single file),
// every feeding mode (one chunk, odd chunk sizes that straddle lightning blocks, token by token, two
// turns), and greedy continuations. Tolerance (issue 2): max |error| ≤ 1e-4 · max |logit|.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/text_golden.h"

namespace lightvl {
namespace {

constexpr double kRelativeTolerance = 1e-4;

double relative_error(const Logits& ours, const Tensor& ref, const std::string& label, int64_t first_row = 0) {
  return testing::relative_error(ours, ref, label, kRelativeTolerance, first_row);
}

class TextGolden : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    golden_ = testing::load_text_golden(GetParam());
    model_ = Model::load(golden_.model_dir);
  }
  testing::TextGolden golden_;
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
