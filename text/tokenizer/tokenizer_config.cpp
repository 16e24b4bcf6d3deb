// tokenizer_config.json and the chat-template files, read the way transformers reads them.
#include "tokenizer/tokenizer_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace lightvl::text {
namespace {

// A special-token entry: "<s>", {"content": "<s>", ...}, or null.
std::optional<std::string> special_token(const JsonPath& config, std::string_view key) {
  if (!config.has(key)) return std::nullopt;
  const JsonPath v = config.at(key);
  if (v.value().is_string()) return v.value().get<std::string>();
  if (v.value().is_object()) return v.string("content");
  v.fail_here("is " + v.value().dump() + "; expected a token string or an object with \"content\"");
}

std::string pick_template(const JsonPath& value) {
  if (value.value().is_string()) return value.value().get<std::string>();
  value.require_type("array");
  // Named templates (transformers' "default", "tool_use", ...): the default one is the chat format.
  std::string first;
  for (size_t i = 0; i < value.value().size(); ++i) {
    const JsonPath entry = value.at(i);
    const std::string name = entry.string("name");
    const std::string source = entry.string("template");
    if (name == "default") return source;
    if (i == 0) first = source;
  }
  return first;
}

}  // namespace

std::string read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    fail(ErrorCode::kNotFound, path.string() + " does not exist or is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in.good() && !in.eof()) fail(ErrorCode::kIo, "cannot read " + path.string());
  return buffer.str();
}

nlohmann::json parse_json_document(const std::string& text, const std::string& name) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(ErrorCode::kBadModel, name + " is not valid JSON (" + e.what() + "); re-download the file");
  }
}

TokenizerConfig TokenizerConfig::from_json(const JsonPath& config) {
  config.require_type("object");
  TokenizerConfig c;
  c.bos_token = special_token(config, "bos_token");
  c.eos_token = special_token(config, "eos_token");
  c.pad_token = special_token(config, "pad_token");
  c.unk_token = special_token(config, "unk_token");
  if (config.has("added_tokens_decoder")) {
    const JsonPath decoder = config.at("added_tokens_decoder");
    decoder.require_type("object");
    for (const auto& [key, value] : decoder.value().items()) {
      const JsonPath entry(value, config.file(), "added_tokens_decoder." + key);
      size_t used = 0;
      long long id = -1;
      try {
        id = std::stoll(key, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != key.size() || id < 0 || id > 0x7FFFFFFF) entry.fail_here("has a key that is not a token id");
      AddedToken token;
      token.id = static_cast<TokenId>(id);
      token.content = entry.string("content");
      token.special = entry.boolean_or("special", false);
      token.normalized = entry.boolean_or("normalized", !token.special);
      token.lstrip = entry.boolean_or("lstrip", false);
      token.rstrip = entry.boolean_or("rstrip", false);
      token.single_word = entry.boolean_or("single_word", false);
      c.added_tokens.push_back(std::move(token));
    }
    std::sort(c.added_tokens.begin(), c.added_tokens.end(),
              [](const AddedToken& a, const AddedToken& b) { return a.id < b.id; });
  }
  if (config.has("chat_template")) {
    c.chat_template = pick_template(config.at("chat_template"));
    c.chat_template_file = config.file();
  }
  return c;
}

TokenizerConfig TokenizerConfig::from_directory(const std::filesystem::path& dir) {
  TokenizerConfig c;
  const std::filesystem::path config_path = dir / "tokenizer_config.json";
  std::error_code ec;
  if (std::filesystem::exists(config_path, ec)) {
    const nlohmann::json doc = parse_json_document(read_text_file(config_path), config_path.string());
    c = from_json(JsonPath(doc, config_path.string()));
  }
  const std::filesystem::path jinja = dir / "chat_template.jinja";
  const std::filesystem::path json = dir / "chat_template.json";
  if (std::filesystem::exists(jinja, ec)) {
    c.chat_template = read_text_file(jinja);
    c.chat_template_file = jinja.string();
  } else if (std::filesystem::exists(json, ec)) {
    const nlohmann::json doc = parse_json_document(read_text_file(json), json.string());
    const JsonPath root(doc, json.string());
    c.chat_template = pick_template(root.at("chat_template"));
    c.chat_template_file = json.string();
  }
  return c;
}

}  // namespace lightvl::text
