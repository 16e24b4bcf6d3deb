// Added tokens (tokenizer.json "added_tokens"): strings such as "<end_of_sentence>" that are matched in
// the text before normalization/pre-tokenization and map straight to one id.
//
// Matching follows Hugging Face's AddedVocabulary: tokens with normalized=false are searched in the raw
// text, tokens with normalized=true in the normalized text, leftmost-longest, non-overlapping. A match is
// dropped when the token is special and special tokens are not allowed (the "split_special_tokens" mode),
// or when the token is single_word and a word character touches it; lstrip/rstrip make the token absorb
// the White_Space next to it. Immutable after construction; split() is const and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include "tokenizer/bpe_model.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/token_id.h"

namespace lightvl::text {

struct AddedToken {
  std::string content;
  TokenId id = -1;
  bool special = false;
  bool normalized = true;
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;

  // Builds the matchers. `normalizer` gives the normalized form of tokens with normalized=true (that form
  // is what is matched, and what decoding prints). Tokens with empty content are ignored.
  AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer& normalizer);

  // One piece of a split: plain text (id < 0) or an added token.
  struct Segment {
    size_t begin, end;
    TokenId id;
  };

  // Splits `text` (valid UTF-8) with the tokens of one pass (`normalized_pass`: the normalized=true
  // tokens, else the normalized=false ones) and appends the segments, covering all of `text`, to `out`.
  void split(std::string_view text, bool normalized_pass, bool allow_special, std::vector<Segment>& out) const;

  // The token with this id, or nullptr.
  const AddedToken* find(TokenId id) const;
  // The id of the added token whose content is `content`.
  std::optional<TokenId> find(std::string_view content) const;
  // The string decoding prints for an added token (its normalized form when normalized=true).
  const std::string& decode_form(const AddedToken& token) const;
  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  // A byte trie over the token strings of one pass, searched for leftmost-longest matches.
  struct Trie {
    struct Node {
      std::vector<std::pair<unsigned char, int32_t>> children;  // sorted by byte
      int32_t token = -1;                                        // index into tokens_, or -1
    };
    std::vector<Node> nodes;  // nodes[0] is the root
    bool first_byte[256] = {};

    void insert(std::string_view key, int32_t token);
    // Finds the leftmost-longest match starting at or after `from`; returns false when there is none.
    bool find(std::string_view text, size_t from, size_t& begin, size_t& end, int32_t& token) const;
  };

  std::vector<AddedToken> tokens_;
  std::vector<std::string> decode_forms_;  // parallel to tokens_
  std::unordered_map<TokenId, size_t> by_id_;  // index into tokens_; a repeated id or content: last wins
  StringIdMap by_content_;
  Trie raw_, normalized_;
  bool has_raw_ = false, has_normalized_ = false;
};

}  // namespace lightvl::text
