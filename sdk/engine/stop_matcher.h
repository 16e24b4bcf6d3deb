// Engine role: stop strings over streamed text. Text that might be the start of a stop string is held
// back until it is decided, so no streamed piece ever contains (part of) a stop string, even when the
// stop string is split across several tokens.
#pragma once

#include <string>
#include <vector>

namespace lightvl::engine {

class StopMatcher {
 public:
  // Empty strings in `stop_strings` are ignored.
  explicit StopMatcher(std::vector<std::string> stop_strings);

  // Appends newly decoded text. Returns the text that is now safe to emit; sets `stopped` when a stop
  // string completed (the returned text then ends right before it, and the matcher keeps nothing).
  std::string push(const std::string& text, bool* stopped);
  // At the end of generation: everything still held back (it did not become a stop string).
  std::string flush();

 private:
  std::vector<std::string> stops_;
  std::string pending_;
};

}  // namespace lightvl::engine
