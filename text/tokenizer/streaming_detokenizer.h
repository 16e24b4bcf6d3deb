// Turns generated ids into text as they arrive, for printing while a model generates.
//
// Guarantees: push() never returns half of a UTF-8 character (text waits until the bytes that complete
// it arrive), and the concatenation of everything push() and finish() return equals
// Tokenizer::decode(all ids) exactly. Method: like Hugging Face's DecodeStream, each step decodes a small
// window (the ids emitted last time, for context, plus the pending ids) and returns what the window adds
// beyond the previous emission, once the result no longer ends in U+FFFD. Cost per id is bounded by the
// window, not by the length of the sequence.
//
// One object per sequence; not thread-safe. Holds a copy of the Tokenizer handle (cheap, shared data).
#pragma once

#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace lightvl::text {

class StreamingDetokenizer {
 public:
  // `skip_special` as in Tokenizer::decode.
  explicit StreamingDetokenizer(Tokenizer tokenizer, bool skip_special = false);

  // Adds one id; returns the text that became final (often "", e.g. inside a multi-token character).
  // Throws Error(kInvalidArgument) for an id outside the vocabulary (the id is not kept).
  std::string push(TokenId id);

  // Returns all text still held back (an incomplete character at the end decodes to U+FFFD, as in
  // decode()) and resets the detokenizer for a new sequence.
  std::string finish();

 private:
  Tokenizer tokenizer_;
  bool skip_special_;
  std::vector<TokenId> window_;  // ids emitted last time (context), then ids not emitted yet
  size_t context_ = 0;           // how many ids at the front of window_ are context
  std::string context_text_;     // decode of the context ids alone
};

}  // namespace lightvl::text
