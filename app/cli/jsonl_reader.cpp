#include "jsonl_reader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace lightvl::cli {
namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, column 5: ";
// the line is ours to name, so keep only the column and the reason.
std::string parser_reason(const std::string& what) {
  std::string reason = what;
  const size_t bracket = reason.find("] ");
  if (reason.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) reason = reason.substr(bracket + 2);
  const size_t at_line = reason.find("line 1, column");
  if (at_line != std::string::npos) reason.erase(at_line, std::strlen("line 1, "));
  return reason;
}

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

std::string line_prefix(const std::string& path, int64_t line) { return path + " line " + std::to_string(line) + ": "; }

void for_each_jsonl_object(const std::string& path,
                           const std::function<void(int64_t line, const nlohmann::json& object)>& visit) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw DataFileError("'" + path + "' is a directory; pass the JSON Lines file itself (e.g. " + path +
                        "/examples.jsonl)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DataFileError("cannot open '" + path + "': " + std::strerror(errno) +
                        "; pass an existing JSON Lines file (one JSON object a line)");
  }
  std::string text;
  for (int64_t line = 1; std::getline(in, text); ++line) {
    if (is_blank(text)) continue;
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw DataFileError(line_prefix(path, line) + "not valid JSON (" + parser_reason(e.what()) +
                          "); every line must be one JSON object");
    }
    if (!object.is_object()) {
      throw DataFileError(line_prefix(path, line) + "expected a JSON object, got " + object.type_name());
    }
    visit(line, object);
  }
  if (in.bad()) throw DataFileError("reading '" + path + "' failed: " + std::strerror(errno));
}

}  // namespace lightvl::cli
