// Reading tokenizer.json / tokenizer_config.json with errors that name the file and the key path
// ("tokenizer.json: pre_tokenizer.pretokenizers[0].behavior is 3 (a number); expected a string").
// A JSON null counts as absent, since Hugging Face writes null for unset optional fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace lightvl::text {

// One JSON value together with where it came from. Cheap to copy; `value` must outlive it.
class JsonPath {
 public:
  JsonPath(const nlohmann::json& value, std::string file, std::string path = {})
      : value_(&value), file_(std::move(file)), path_(std::move(path)) {}

  const nlohmann::json& value() const { return *value_; }
  // "tokenizer.json: model.vocab" (or "tokenizer.json" at the top level).
  std::string where() const { return path_.empty() ? file_ : file_ + ": " + path_; }
  const std::string& file() const { return file_; }

  // True when this is an object holding `key` with a non-null value.
  bool has(std::string_view key) const;
  // The member `key`. Throws Error(kBadModel) when this is not an object or `key` is missing/null.
  JsonPath at(std::string_view key) const;
  // Element `i` of an array (the caller checked the bounds).
  JsonPath at(size_t i) const;

  // Typed reads of the member `key`; Error(kBadModel) names the key, the value found and the expectation.
  std::string string(std::string_view key) const;
  std::string string_or(std::string_view key, std::string fallback) const;
  bool boolean_or(std::string_view key, bool fallback) const;
  int64_t integer(std::string_view key, int64_t min, int64_t max) const;

  // Throws Error(kBadModel) unless this value has the JSON type `type` ("object", "array", "string").
  void require_type(std::string_view type) const;
  // Throws Error(code) "<where>: <what>" (for checks the typed reads cannot express).
  [[noreturn]] void fail_here(const std::string& what, ErrorCode code = ErrorCode::kBadModel) const;

 private:
  const nlohmann::json* value_;
  std::string file_;
  std::string path_;
};

}  // namespace lightvl::text
