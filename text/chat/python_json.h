// JSON text exactly as Python's json.dumps(value, ensure_ascii=False) writes it, which is what the
// `tojson` filter of transformers' chat-template environment produces: ", " between items, ": " after
// keys, keys in their original order, non-ASCII characters unescaped, control characters as \uXXXX.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace lightvl::text {

// Appends the Python-style JSON text of `value` to `out`. Pure; thread-safe.
void append_python_json(std::string& out, const nlohmann::ordered_json& value);

}  // namespace lightvl::text
