// Typed reads of a JSON object's fields, with errors that name the file, the key path, the value found
// and what was expected: config.json: key "text_config.num_attention_heads" is "64" (a string); expected
// an integer in [1, 2147483647].
//
// Used by the config parsers so that each of the hundred-odd checks is one line and every message has
// the same shape. A JSON null counts as absent (Hugging Face writes null for unset optional fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace lightvl::io {

// A read-only view: it never modifies the object, so concurrent reads are safe. It holds a pointer to
// the object, which must outlive it.
class JsonFields {
 public:
  // Largest value accepted by int_in()'s default range: sizes stay below 2^31 so that products of two
  // of them (matrix shapes) cannot overflow int64.
  static constexpr int64_t kMaxSize = 2147483647;

  // Reads fields of `object` (which must outlive this). `file` starts every message; `path` is the key
  // path of `object` inside the file ("" at the top, "text_config" for a nested object).
  // Throws Error(kBadModel) when `object` is not a JSON object.
  JsonFields(const nlohmann::json& object, std::string file, std::string path = {});

  // True when `key` is present and not null.
  bool has(std::string_view key) const;
  // The raw value (nullptr when absent or null).
  const nlohmann::json* find(std::string_view key) const;
  // "text_config.hidden_size": the key path used in messages.
  std::string key_path(std::string_view key) const;
  const std::string& file() const { return file_; }

  // Integer in [min, max]. Throws Error(kBadModel) when missing, not an integer or out of range.
  int64_t int_in(std::string_view key, int64_t min = 1, int64_t max = kMaxSize) const;
  std::optional<int64_t> optional_int_in(std::string_view key, int64_t min = 1, int64_t max = kMaxSize) const;
  // Any JSON number, finite. `positive` also requires > 0.
  double number(std::string_view key, bool positive = false) const;
  std::optional<double> optional_number(std::string_view key, bool positive = false) const;
  bool boolean(std::string_view key) const;
  std::optional<bool> optional_boolean(std::string_view key) const;
  std::string string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  // An array value. Throws Error(kBadModel) when missing or not an array.
  const nlohmann::json& array(std::string_view key) const;
  // A nested object's fields. Throws Error(kBadModel) when missing or not an object.
  JsonFields object(std::string_view key) const;

  // Throws Error(code) "<file>: key "<path>" is <value>; expected <expected>". For checks the typed
  // readers cannot express (a value that depends on another key, an unsupported choice).
  [[noreturn]] void fail_value(std::string_view key, const nlohmann::json& found, const std::string& expected,
                               ErrorCode code = ErrorCode::kBadModel) const;
  // Throws Error(kBadModel) "<file>: required key "<path>" is missing; expected <expected>".
  [[noreturn]] void fail_missing(std::string_view key, const std::string& expected) const;

 private:
  const nlohmann::json& required(std::string_view key, const std::string& expected) const;

  const nlohmann::json* object_;
  std::string file_;
  std::string path_;
};

// A JSON value for a message: the compact dump, cut to 60 characters, with its type ("64" (a string)).
std::string describe_json(const nlohmann::json& value);

}  // namespace lightvl::io
