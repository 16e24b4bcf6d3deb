// tokenizer_config.json (transformers' side of a checkpoint's tokenizer): the names of the bos / eos /
// pad / unk tokens, added_tokens_decoder, and the chat template. The chat template may also come from
// chat_template.jinja or chat_template.json next to it; like transformers, those files take precedence.
// A plain value type; reading is done once at load time.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/json_path.h"

namespace lightvl::text {

struct TokenizerConfig {
  std::optional<std::string> bos_token, eos_token, pad_token, unk_token;
  // Entries of added_tokens_decoder, in id order.
  std::vector<AddedToken> added_tokens;
  // The Jinja chat template source ("" when the checkpoint has none) and the file it came from.
  std::string chat_template;
  std::string chat_template_file;

  // Parses a tokenizer_config.json document. Special tokens may be strings or {"content": ...} objects;
  // chat_template may be a string or a list of {"name", "template"} (the "default" entry is used, else
  // the first). Throws Error(kBadModel) for malformed fields, naming them.
  static TokenizerConfig from_json(const JsonPath& config);

  // Reads `dir`/tokenizer_config.json when present (an empty config otherwise), then a chat template
  // from `dir`/chat_template.jinja or `dir`/chat_template.json when present. Throws Error(kBadModel) for a
  // file that is not valid JSON, Error(kIo) when a present file cannot be read.
  static TokenizerConfig from_directory(const std::filesystem::path& dir);
};

// Reads a whole file. Throws Error(kNotFound) when it does not exist, Error(kIo) when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

// Parses `text` as JSON. Throws Error(kBadModel) "<name> is not valid JSON: ..." on a syntax error.
nlohmann::json parse_json_document(const std::string& text, const std::string& name);

}  // namespace lightvl::text
