// Reading JSON Lines data files (the inputs of `lightvl eval`) with errors that name the file and line.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace lightvl::cli {

// A data file that cannot be used as it is (unreadable, malformed line, missing field, missing file it
// refers to). The message names the file and line and says what to fix; run_guarded reports it with exit
// code 1 (bad data, as opposed to exit code 2 for bad flags).
class DataFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Calls `visit(line_number, object)` for every non-blank line of `path` (1-based numbers), each of which
// must be one JSON object. Throws DataFileError for a file that cannot be opened, a line that is not
// valid JSON (with the parser's column and reason) or not an object; exceptions thrown by `visit`
// propagate unchanged. Reads line by line: memory stays bounded by the longest line.
void for_each_jsonl_object(const std::string& path,
                           const std::function<void(int64_t line, const nlohmann::json& object)>& visit);

// "FILE line N: " — the prefix of every message about one line of a data file.
std::string line_prefix(const std::string& path, int64_t line);

}  // namespace lightvl::cli
