// The "post_processor" stage of tokenizer.json, applied when the caller asks for special tokens to be
// added (Tokenizer::encode(..., add_special_tokens = true)): e.g. Llama 3.1's TemplateProcessing puts
// <|begin_of_text|> in front of every encoded text.
//
// Supported types: TemplateProcessing (the "single" template; lightvl encodes one sequence at a time),
// ByteLevel (changes offsets only, so nothing here), Sequence, and null. Other types are refused by name.
// Immutable after construction; apply() is const and thread-safe.
#pragma once

#include <vector>

#include "tokenizer/json_path.h"
#include "tokenizer/token_id.h"

namespace lightvl::text {

class PostProcessor {
 public:
  PostProcessor() = default;  // adds nothing

  // Builds the post-processor described by `config` (object or null). Throws Error(kUnsupported) naming
  // an unsupported type, Error(kBadModel) for a malformed template.
  static PostProcessor from_json(const JsonPath& config);

  // `ids` wrapped in the single-sequence template (unchanged when there is none).
  std::vector<TokenId> apply(std::vector<TokenId> ids) const;

 private:
  static void append(const JsonPath& config, PostProcessor& p);

  // The single template: each item is either a run of special-token ids or the sequence itself (empty).
  struct Item {
    bool is_sequence;
    std::vector<TokenId> ids;
  };
  bool has_template_ = false;
  std::vector<Item> single_;
};

}  // namespace lightvl::text
