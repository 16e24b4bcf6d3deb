// Python's json.dumps formatting, written out because nlohmann's dump() uses "," and ":" without spaces
// and escapes differently; tool descriptions must be byte-identical to what transformers renders.
#include "chat/python_json.h"

#include <cstdio>

namespace lightvl::text {
namespace {

void append_string(std::string& out, const std::string& s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;  // UTF-8 bytes pass through (ensure_ascii=False)
        }
    }
  }
  out += '"';
}

}  // namespace

void append_python_json(std::string& out, const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        append_string(out, key);
        out += ": ";
        append_python_json(out, item);
      }
      out += '}';
      break;
    }
    case nlohmann::ordered_json::value_t::array: {
      out += '[';
      for (size_t i = 0; i < value.size(); ++i) {
        if (i > 0) out += ", ";
        append_python_json(out, value[i]);
      }
      out += ']';
      break;
    }
    case nlohmann::ordered_json::value_t::string: append_string(out, value.get_ref<const std::string&>()); break;
    // Numbers, booleans and null: nlohmann writes them as Python does (shortest round-trip floats with a
    // ".0" for whole numbers, 1e-07 style exponents, true/false/null).
    default: out += value.dump(); break;
  }
}

}  // namespace lightvl::text
