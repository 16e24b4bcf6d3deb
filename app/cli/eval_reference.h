// lightvl eval --reference: agreement of our predictions with another run's (e.g. the PyTorch reference's
// greedy answers, or an earlier `lightvl eval --predictions` file).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lightvl::cli {

// How many records both runs answered, how many of those answers are identical after normalise(), and
// which are not.
struct Agreement {
  int64_t compared = 0;                      // records present in both
  int64_t agreeing = 0;                      // of which identical after normalise()
  std::vector<std::string> disagreeing_ids;  // the first kMaxListedIds disagreeing ids, in our order
  int64_t missing = 0;                       // our records the reference has no prediction for
  double fraction() const { return compared ? double(agreeing) / double(compared) : 0.0; }
};

inline constexpr size_t kMaxListedIds = 10;

// id -> prediction from the JSON Lines file `path`, whose lines are objects with string fields "id" and
// "prediction" (other fields are ignored, so a --predictions file serves as a reference). Throws
// DataFileError naming the file and line for an unreadable file, a malformed line, a missing field or a
// duplicate id.
std::map<std::string, std::string> read_reference_predictions(const std::string& path);

// Compares `ours` ((id, prediction) in run order) with `reference`. Pure; never throws except bad_alloc.
Agreement compare_predictions(const std::vector<std::pair<std::string, std::string>>& ours,
                              const std::map<std::string, std::string>& reference);

}  // namespace lightvl::cli
