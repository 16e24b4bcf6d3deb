#include "io/json_file.h"

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace lightvl::io {
namespace {

// 1-based line and column of the 1-based byte position nlohmann reports for a parse error.
void line_and_column(std::string_view text, size_t byte, size_t* line, size_t* column) {
  const size_t end = std::min(byte == 0 ? 0 : byte - 1, text.size());
  *line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++*line;
      line_start = i + 1;
    }
  }
  *column = end - line_start + 1;
}

// nlohmann's what() reads "[json.exception.parse_error.101] parse error at line 1, column 5: <reason>".
// We print our own position, so keep only the reason.
std::string parser_reason(const char* what) {
  std::string s(what);
  const size_t head = s.find("parse error");
  const size_t colon = s.find(": ", head == std::string::npos ? 0 : head);
  return colon == std::string::npos ? s : s.substr(colon + 2);
}

}  // namespace

// Duplicate keys are caught with nlohmann's parser callback, which sees every key as it is read; the
// parsed document itself keeps only the last value and could not tell us.
nlohmann::json parse_json_text(std::string_view text, const std::string& source) {
  // One set of seen keys per open object; a key seen twice in the same object is refused.
  std::vector<std::set<std::string>> open_objects;
  auto on_event = [&](int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Event::key && !open_objects.empty()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second) {
        fail(ErrorCode::kBadModel, source + ": the key \"" + key +
                                       "\" appears twice in one JSON object; remove the duplicate or re-create the file");
      }
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), on_event);
  } catch (const nlohmann::json::parse_error& e) {
    size_t line = 0, column = 0;
    line_and_column(text, e.byte, &line, &column);
    fail(ErrorCode::kBadModel, source + ": invalid JSON at line " + std::to_string(line) + ", column " +
                                   std::to_string(column) + ": " + parser_reason(e.what()) +
                                   "; fix the file or download it again");
  } catch (const nlohmann::json::exception& e) {
    fail(ErrorCode::kBadModel, source + ": invalid JSON: " + e.what() + "; fix the file or download it again");
  }
}

std::string read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    fail(ErrorCode::kNotFound, path.string() + ": file not found; check the path (and that the download finished)");
  }
  if (!std::filesystem::is_regular_file(status)) {
    fail(ErrorCode::kIo, path.string() + ": not a regular file; pass the path of the file itself");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::kIo, path.string() + ": cannot open the file for reading; check its permissions");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) fail(ErrorCode::kIo, path.string() + ": read error");
  return buffer.str();
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
  return parse_json_text(read_text_file(path), path.string());
}

}  // namespace lightvl::io
