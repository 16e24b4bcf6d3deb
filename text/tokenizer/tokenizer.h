// lightvl's tokenizer: a general, exact implementation of Hugging Face's tokenizer.json for the BPE
// family (byte-level BPE as used by MiniMax, GPT-4o-style, Llama 3 and Qwen checkpoints), plus the
// special-token names of tokenizer_config.json.
//
// encode() reproduces the ids of Hugging Face `tokenizers` (Tokenizer.encode) stage by stage: added
// tokens, normalizer, pre-tokenizer, BPE model, post-processor; decode() reproduces Tokenizer.decode
// (without transformers' clean_up_tokenization_spaces, so that decode(encode(x)) == x). Any component
// of tokenizer.json that lightvl does not implement is refused at load time with Error(kUnsupported)
// naming it; nothing is silently ignored (truncation/padding, which only concern batching, are logged).
//
// A Tokenizer is immutable after loading. Copies are cheap and share the loaded data; all methods are
// const and thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenizer/token_id.h"
#include "tokenizer/tokenizer_config.h"

namespace lightvl::text {

// Ids of the tokens tokenizer_config.json names (absent when not named or not in the vocabulary).
struct SpecialTokenIds {
  std::optional<TokenId> bos, eos, pad, unk;
};

class Tokenizer {
 public:
  // Loads `dir`/tokenizer.json and, when present, `dir`/tokenizer_config.json (+ chat_template.jinja /
  // chat_template.json). Throws Error(kNotFound) when tokenizer.json is missing, Error(kBadModel) for
  // malformed or inconsistent files, Error(kUnsupported) for components lightvl does not implement.
  static Tokenizer from_directory(const std::filesystem::path& dir);

  // Builds a tokenizer from parsed documents. `config` may be null (no tokenizer_config.json); `name`
  // prefixes error messages ("Qwen3 tokenizer.json"). Same errors as from_directory.
  static Tokenizer from_json(const nlohmann::json& tokenizer_json, const TokenizerConfig* config,
                             const std::string& name);

  // Token ids of `text`. `allow_special`: special added tokens written in the text (e.g.
  // "<end_of_sentence>") become their ids; when false they are encoded as ordinary text (Hugging Face's
  // split_special_tokens; non-special added tokens still match). `add_special_tokens` applies the
  // post-processor template (e.g. a leading BOS); MiniMax adds none. `text` must be valid UTF-8: throws
  // Error(kInvalidArgument) naming the first bad byte otherwise (see to_valid_utf8() to repair input).
  // Memory is linear in the text size (about 2x the text plus the ids).
  std::vector<TokenId> encode(std::string_view text, bool allow_special = true, bool add_special_tokens = false) const;

  // Text of `ids`. `skip_special` leaves out special added tokens. Bytes that do not form complete UTF-8
  // characters become U+FFFD (as Hugging Face's decode). Throws Error(kInvalidArgument) for an id that is
  // not in the vocabulary.
  std::string decode(std::span<const TokenId> ids, bool skip_special = false) const;

  // The id of a token string (added tokens first, then the model vocabulary), if any.
  std::optional<TokenId> token_to_id(std::string_view token) const;
  // The token string of `id` as stored in the vocabulary (byte-level form, e.g. "Ġthe"), if any.
  std::optional<std::string> id_to_token(TokenId id) const;
  // True for added tokens marked special (bos, eos, <image>, ...).
  bool is_special(TokenId id) const;
  // One more than the largest id the tokenizer can produce (model vocabulary and added tokens).
  size_t vocab_size() const;

  const SpecialTokenIds& special_ids() const;
  // tokenizer_config.json as read (special-token strings, added_tokens_decoder, chat template).
  const TokenizerConfig& config() const;
  // The name given at load time (the directory or file), for messages.
  const std::string& name() const;

 private:
  struct Impl;
  explicit Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace lightvl::text
