// JsonFields: typed readers over one JSON object. Every reader goes through find() (null = absent) and
// fails through fail_value()/fail_missing(), so all config messages have one shape.
#include "io/json_fields.h"

#include <cmath>

namespace lightvl::io {
namespace {

// The JSON type in words, for "is \"64\" (a string)": users fix configs by reading these messages.
const char* type_article(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::number_float: return "a float";
    default: return "an integer";
  }
}

}  // namespace

std::string describe_json(const nlohmann::json& value) {
  std::string s = value.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s + " (" + type_article(value) + ")";
}

JsonFields::JsonFields(const nlohmann::json& object, std::string file, std::string path)
    : object_(&object), file_(std::move(file)), path_(std::move(path)) {
  if (!object.is_object()) {
    fail(ErrorCode::kBadModel, file_ + ": " + (path_.empty() ? std::string("the document") : "key \"" + path_ + "\"") +
                                   " is " + describe_json(object) + "; expected a JSON object");
  }
}

std::string JsonFields::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const nlohmann::json* JsonFields::find(std::string_view key) const {
  const auto it = object_->find(key);
  return it == object_->end() || it->is_null() ? nullptr : &*it;
}

bool JsonFields::has(std::string_view key) const { return find(key) != nullptr; }

void JsonFields::fail_value(std::string_view key, const nlohmann::json& found, const std::string& expected,
                           ErrorCode code) const {
  fail(code, file_ + ": key \"" + key_path(key) + "\" is " + describe_json(found) + "; expected " + expected +
                 (code == ErrorCode::kUnsupported ? ". lightvl cannot run this model: it supports the released "
                                                    "MiniMax-Text-01 / MiniMax-VL-01 architecture"
                                                  : ". Fix the file or download it again"));
}

void JsonFields::fail_missing(std::string_view key, const std::string& expected) const {
  fail(ErrorCode::kBadModel, file_ + ": required key \"" + key_path(key) + "\" is missing; expected " + expected +
                                 ". Fix the file or download it again");
}

const nlohmann::json& JsonFields::required(std::string_view key, const std::string& expected) const {
  const nlohmann::json* v = find(key);
  if (!v) fail_missing(key, expected);
  return *v;
}

std::optional<int64_t> JsonFields::optional_int_in(std::string_view key, int64_t min, int64_t max) const {
  const nlohmann::json* v = find(key);
  if (!v) return std::nullopt;
  const std::string expected = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  // Integers above INT64_MAX are stored unsigned; they are out of every range we accept.
  if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX))) {
    fail_value(key, *v, expected);
  }
  const int64_t x = v->get<int64_t>();
  if (x < min || x > max) fail_value(key, *v, expected);
  return x;
}

int64_t JsonFields::int_in(std::string_view key, int64_t min, int64_t max) const {
  required(key, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return *optional_int_in(key, min, max);
}

std::optional<double> JsonFields::optional_number(std::string_view key, bool positive) const {
  const nlohmann::json* v = find(key);
  if (!v) return std::nullopt;
  const std::string expected = positive ? "a positive number" : "a number";
  if (!v->is_number()) fail_value(key, *v, expected);
  const double x = v->get<double>();
  if (!std::isfinite(x) || (positive && !(x > 0))) fail_value(key, *v, expected);
  return x;
}

double JsonFields::number(std::string_view key, bool positive) const {
  required(key, positive ? "a positive number" : "a number");
  return *optional_number(key, positive);
}

std::optional<bool> JsonFields::optional_boolean(std::string_view key) const {
  const nlohmann::json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) fail_value(key, *v, "true or false");
  return v->get<bool>();
}

bool JsonFields::boolean(std::string_view key) const {
  required(key, "true or false");
  return *optional_boolean(key);
}

std::optional<std::string> JsonFields::optional_string(std::string_view key) const {
  const nlohmann::json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) fail_value(key, *v, "a string");
  return v->get<std::string>();
}

std::string JsonFields::string(std::string_view key) const {
  required(key, "a string");
  return *optional_string(key);
}

const nlohmann::json& JsonFields::array(std::string_view key) const {
  const nlohmann::json& v = required(key, "an array");
  if (!v.is_array()) fail_value(key, v, "an array");
  return v;
}

JsonFields JsonFields::object(std::string_view key) const {
  const nlohmann::json& v = required(key, "an object");
  if (!v.is_object()) fail_value(key, v, "an object");
  return JsonFields(v, file_, key_path(key));
}

}  // namespace lightvl::io
