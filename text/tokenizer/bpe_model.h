// The BPE "model" of tokenizer.json: vocabulary, ranked merges, and the merge loop that turns one
// pre-tokenized word into token ids.
//
// Semantics follow Hugging Face tokenizers' BPE exactly: a word starts as one symbol per character
// (continuing_subword_prefix / end_of_word_suffix applied; unknown characters become <0xXX> byte tokens
// with byte_fallback, else the unk token, fused when fuse_unk), then the lowest-ranked adjacent pair is
// merged repeatedly, the leftmost first among equal ranks. With ignore_merges a word that is itself in the
// vocabulary is emitted as one token. Merges may be given as "a b" strings or ["a", "b"] pairs; a pair
// listed twice keeps its last rank, as in Hugging Face. BPE dropout is refused (it is random by design).
//
// Immutable after construction; tokenize() is const and thread-safe (state lives in BpeScratch).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/json_path.h"
#include "tokenizer/token_id.h"

namespace lightvl::text {

// Hash for unordered_map<std::string, ...> that also accepts string_view keys without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringIdMap = std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>>;

// Per-call working memory of BpeModel::tokenize: the merge buffers and a cache of words already
// encoded (most words of a document repeat). Memory is bounded by kMaxCachedWords words.
class BpeScratch {
 public:
  static constexpr size_t kMaxCachedWords = 100000;
  static constexpr size_t kMaxCachedWordBytes = 256;  // longer words are rare and not worth caching

 private:
  friend class BpeModel;
  struct Symbol {
    TokenId id;
    int32_t prev, next;
    uint32_t len;  // bytes of the word covered; 0 marks a symbol merged into its left neighbour
  };
  struct Candidate {
    uint32_t rank;
    uint32_t pos;
    TokenId new_id;
  };
  struct Cached {
    uint32_t offset, count;
  };
  std::vector<Symbol> symbols;
  std::vector<Candidate> heap;
  std::unordered_map<std::string, Cached, StringHash, std::equal_to<>> cache;
  std::vector<TokenId> cache_ids;
};

class BpeModel {
 public:
  // Builds the model from tokenizer.json's "model" object. Throws Error(kUnsupported) for a model type
  // other than BPE or for dropout > 0, Error(kBadModel) for malformed vocab/merges (a merge whose parts or
  // result are not in the vocabulary, a negative id).
  static BpeModel from_json(const JsonPath& model);

  // Appends the ids of `word` (one pre-tokenized word, valid UTF-8) to `out`. A character that is not in
  // the vocabulary, with neither byte fallback nor an unk token to stand for it, produces no id, exactly as
  // in Hugging Face (byte-level vocabularies contain all 256 byte characters, so this cannot happen there).
  // Throws Error(kBadModel) when the unk token is configured but missing from the vocabulary.
  void tokenize(std::string_view word, std::vector<TokenId>& out, BpeScratch& scratch) const;

  std::optional<TokenId> token_to_id(std::string_view token) const;
  // The vocabulary entry of `id`, or nullptr when `id` is not in the vocabulary.
  const std::string* id_to_token(TokenId id) const;
  // One more than the largest id in the vocabulary.
  size_t id_bound() const { return id_to_token_.size(); }
  size_t vocab_size() const { return vocab_.size(); }

 private:
  struct Merge {
    uint32_t rank;
    TokenId new_id;
  };
  static uint64_t pair_key(TokenId a, TokenId b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  const Merge* find_merge(TokenId a, TokenId b) const;
  void build_symbols(std::string_view word, BpeScratch& s) const;
  void merge_symbols(BpeScratch& s) const;

  StringIdMap vocab_;
  std::vector<std::string> id_to_token_;
  std::vector<bool> has_id_;
  std::unordered_map<uint64_t, Merge> merges_;
  std::vector<TokenId> char_ids_;  // code point -> id for single characters below U+0800 (-1: none)
  std::optional<TokenId> unk_id_;
  std::string unk_token_;
  std::string continuing_subword_prefix_, end_of_word_suffix_;
  bool byte_fallback_ = false, fuse_unk_ = false, ignore_merges_ = false;
  std::vector<TokenId> byte_fallback_ids_;  // <0x00>..<0xFF> when byte_fallback (-1: missing)
};

}  // namespace lightvl::text
