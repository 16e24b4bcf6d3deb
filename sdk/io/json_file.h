// Reading JSON documents (config.json, index files, safetensors headers) with errors a user can act on.
//
// nlohmann::json does the parsing. This file adds what a loader needs on top: the file name, the line
// and column of a syntax error, and a refusal of duplicate object keys (a JSON object with the same key
// twice is ambiguous: parsers disagree on which value wins, so a strict loader does not guess).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lightvl::io {

// Parses `text` as one JSON document. `source` names where the text came from ("config.json",
// "model.safetensors header") and starts every error message.
// Throws Error(kBadModel) on a syntax error (message: source, line, column, the parser's reason and what
// to do) or on a duplicate key in any object (message: source and the key). Thread-safe.
nlohmann::json parse_json_text(std::string_view text, const std::string& source);

// Reads and parses the JSON file at `path` (see parse_json_text for the parsing rules).
// Throws Error(kNotFound) when the file does not exist, Error(kIo) when it cannot be read (a directory,
// no permission), Error(kBadModel) when it is not valid JSON. Every message names `path`. Thread-safe.
nlohmann::json read_json_file(const std::filesystem::path& path);

// Reads a whole file into memory. Throws Error(kNotFound) / Error(kIo) naming `path`. Thread-safe.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace lightvl::io
