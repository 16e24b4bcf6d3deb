// Stop strings split across streamed pieces: nothing of a stop string is ever emitted, text that only
// looked like a stop string prefix is released, and the emitted text is the full text up to the stop.
#include <gtest/gtest.h>

#include "engine/stop_matcher.h"

namespace lightvl::engine {
namespace {

std::string feed(StopMatcher& m, const std::vector<std::string>& pieces, bool* stopped, size_t* stopped_at) {
  std::string out;
  *stopped = false;
  for (size_t i = 0; i < pieces.size() && !*stopped; ++i) {
    out += m.push(pieces[i], stopped);
    *stopped_at = i;
  }
  if (!*stopped) out += m.flush();
  return out;
}

TEST(StopMatcher, StopStringSplitAcrossPieces) {
  StopMatcher m({"</answer>"});
  bool stopped;
  size_t at;
  EXPECT_EQ(feed(m, {"The cat", " sat</an", "swer> and more"}, &stopped, &at), "The cat sat");
  EXPECT_TRUE(stopped);
  EXPECT_EQ(at, 2u);
}

TEST(StopMatcher, HeldBackPrefixIsReleasedWhenItDoesNotMatch) {
  StopMatcher m({"STOP"});
  bool stopped;
  EXPECT_EQ(m.push("ab ST", &stopped), "ab ");
  EXPECT_EQ(m.push("ART", &stopped), "START");
  EXPECT_FALSE(stopped);
  EXPECT_EQ(m.push("x S", &stopped), "x ");
  EXPECT_EQ(m.flush(), "S");
}

TEST(StopMatcher, EarliestOfSeveralStopsWinsAndUtf8IsKept) {
  StopMatcher m({"wörld", "é!"});
  bool stopped;
  size_t at;
  EXPECT_EQ(feed(m, {"héllo é", "! wörld"}, &stopped, &at), "héllo ");
  EXPECT_TRUE(stopped);
}

TEST(StopMatcher, NoStopsPassesEverythingThrough) {
  StopMatcher m({});
  bool stopped;
  EXPECT_EQ(m.push("abc", &stopped), "abc");
  EXPECT_FALSE(stopped);
}

}  // namespace
}  // namespace lightvl::engine
