// Typed access to tokenizer JSON with messages that say where (file and key path) and what was found.
#include "tokenizer/json_path.h"

namespace lightvl::text {
namespace {

// A short, single-line rendering of a JSON value for messages.
std::string describe(const nlohmann::json& v) {
  std::string text = v.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text + " (" + v.type_name() + ")";
}

}  // namespace

bool JsonPath::has(std::string_view key) const {
  if (!value_->is_object()) return false;
  const auto it = value_->find(key);
  return it != value_->end() && !it->is_null();
}

JsonPath JsonPath::at(std::string_view key) const {
  require_type("object");
  const auto it = value_->find(key);
  const std::string child = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  if (it == value_->end() || it->is_null()) {
    fail(ErrorCode::kBadModel, file_ + ": required key \"" + child + "\" is missing");
  }
  return JsonPath(*it, file_, child);
}

JsonPath JsonPath::at(size_t i) const {
  return JsonPath((*value_)[i], file_, path_ + "[" + std::to_string(i) + "]");
}

std::string JsonPath::string(std::string_view key) const {
  const JsonPath v = at(key);
  if (!v.value().is_string()) v.fail_here("is " + describe(v.value()) + "; expected a string");
  return v.value().get<std::string>();
}

std::string JsonPath::string_or(std::string_view key, std::string fallback) const {
  return has(key) ? string(key) : std::move(fallback);
}

bool JsonPath::boolean_or(std::string_view key, bool fallback) const {
  if (!has(key)) return fallback;
  const JsonPath v = at(key);
  if (!v.value().is_boolean()) v.fail_here("is " + describe(v.value()) + "; expected true or false");
  return v.value().get<bool>();
}

int64_t JsonPath::integer(std::string_view key, int64_t min, int64_t max) const {
  const JsonPath v = at(key);
  if (!v.value().is_number_integer()) v.fail_here("is " + describe(v.value()) + "; expected an integer");
  const int64_t x = v.value().get<int64_t>();
  if (x < min || x > max) {
    v.fail_here("is " + std::to_string(x) + "; expected an integer in [" + std::to_string(min) + ", " +
                std::to_string(max) + "]");
  }
  return x;
}

void JsonPath::require_type(std::string_view type) const {
  const bool ok = (type == "object" && value_->is_object()) || (type == "array" && value_->is_array()) ||
                  (type == "string" && value_->is_string());
  if (!ok) fail_here("is " + describe(*value_) + "; expected a JSON " + std::string(type));
}

void JsonPath::fail_here(const std::string& what, ErrorCode code) const {
  fail(code, where() + " " + what);
}

}  // namespace lightvl::text
