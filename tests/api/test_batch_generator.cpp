// Continuous batching through the public API: every request's result equals what Session::chat gives
// for it alone (greedy and seeded sampling), with requests of different lengths and images joining while
// others are mid-answer, and bad requests refused without disturbing the batch.
#include <gtest/gtest.h>

#include <map>

#include "lightvl/batch.h"
#include "lightvl/session.h"

namespace lightvl {
namespace {

const std::string kRoot = LIGHTVL_SOURCE_DIR;

struct Request {
  std::vector<Message> messages;
  GenerationConfig config;
};

std::vector<Request> requests() {
  GenerationConfig greedy;
  greedy.greedy = true;
  greedy.max_tokens = 12;
  GenerationConfig sampled;
  sampled.seed = 11;
  sampled.max_tokens = 9;
  sampled.temperature = 0.9f;
  return {
      {{Message::user("Describe the picture.").add_image(Image::from_file(kRoot + "/assets/sample-shapes.png"))},
       greedy},
      {{Message::system("Be brief."), Message::user("Hello!")}, sampled},
      {{Message::user("Two images:")
            .add_image(Image::from_file(kRoot + "/tests/fixtures/images/png_rgb.png"))
            .add_image(Image::from_file(kRoot + "/tests/fixtures/images/jpeg_420.jpg"))},
       greedy},
      {{Message::user("A longer question about nothing in particular, to make the prompt longer.")}, sampled},
  };
}

TEST(BatchGenerator, ResultsEqualSessionChatWithRequestsJoiningMidway) {
  auto model = Model::load(kRoot + "/assets/tiny-minimax-vl-01");
  const std::vector<Request> reqs = requests();
  std::vector<GenerationResult> alone;
  for (const Request& r : reqs) alone.push_back(Session(model).chat(r.messages, r.config));

  BatchGenerator batch(model);
  std::map<int64_t, GenerationResult> got;
  std::map<int64_t, std::string> streamed;
  size_t next = 0, steps = 0;
  while (next < reqs.size() || batch.active() > 0) {
    // Two requests start together; the others join one at a time while the first ones are mid-answer.
    if (next < reqs.size() && (next < 2 || steps % 3 == 0)) {
      const int64_t id = int64_t(next);
      EXPECT_EQ(batch.add(reqs[next].messages, reqs[next].config,
                          [&streamed, id](const StreamPiece& p) {
                            streamed[id] += p.text;
                            return true;
                          }),
                id);
      ++next;
      continue;
    }
    for (auto& [id, result] : batch.step()) got[id] = std::move(result);
    ++steps;
  }
  ASSERT_EQ(got.size(), reqs.size());
  for (size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_EQ(got[int64_t(i)].ids, alone[i].ids) << "request " << i;
    EXPECT_EQ(got[int64_t(i)].text, alone[i].text) << "request " << i;
    EXPECT_EQ(streamed[int64_t(i)], got[int64_t(i)].text) << "request " << i;
    EXPECT_EQ(got[int64_t(i)].stats.prompt_tokens, alone[i].stats.prompt_tokens);
  }
}

TEST(BatchGenerator, BadRequestsLeaveTheBatchAlone) {
  auto model = Model::load(kRoot + "/assets/tiny-minimax-vl-01");
  BatchGenerator batch(model);
  GenerationConfig c;
  c.greedy = true;
  c.max_tokens = 3;
  batch.add({Message::user("ok")}, c);
  EXPECT_THROW(batch.add({Message::user("x").add_image(Image::from_file(kRoot + "/tests/fixtures/images/corrupt.jpg"))}, c),
               Error);
  EXPECT_EQ(batch.active(), 1u);
  size_t done = 0;
  while (batch.active() > 0) done += batch.step().size();
  EXPECT_EQ(done, 1u);
}

}  // namespace
}  // namespace lightvl
