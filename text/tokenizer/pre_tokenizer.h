// The "pre_tokenizer" stage of tokenizer.json: cuts normalized text into words that BPE then encodes
// one at a time, and (ByteLevel) maps their bytes to the byte-level alphabet.
//
// Supported types: Sequence, Split (String or Regex pattern, all five delimiter behaviours, invert),
// ByteLevel (add_prefix_space, use_regex; trim_offsets only affects offsets, which lightvl does not
// report), Digits (individual_digits), Metaspace (replacement, prepend_scheme or the older
// add_prefix_space, split). Any other type is refused by name at load time.
//
// Each step runs on every piece the previous step produced and empty pieces are dropped, exactly as in
// Hugging Face's PreTokenizedString. Because every step treats each piece on its own, the steps run depth
// first: a word reaches the sink as soon as it is cut, so memory does not grow with the text length.
// Immutable after construction; split() is const and thread-safe (state lives in PreTokenizeScratch).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/json_path.h"
#include "tokenizer/regex.h"

namespace lightvl::text {

// Reusable buffers of PreTokenizer::split (one per encode call; not shared between threads).
struct PreTokenizeScratch {
  struct Level {
    std::string text;    // a step's rewritten input (prefix added, spaces replaced)
    std::string mapped;  // a step's output word (byte-level mapped)
  };
  std::vector<Level> levels;
};

class PreTokenizer {
 public:
  // Receives each final word, in text order. The view is valid only during the call.
  using WordSink = std::function<void(std::string_view word)>;

  // The identity (tokenizer.json "pre_tokenizer": null): the whole text is one word.
  PreTokenizer() = default;

  // Builds the pre-tokenizer described by `config` (object or null). Throws Error(kUnsupported) naming
  // an unsupported type or behaviour, Error(kBadModel) for malformed fields.
  static PreTokenizer from_json(const JsonPath& config);

  // Splits `text` (valid UTF-8) into words and passes them to `sink`. `at_origin` says whether `text`
  // begins at offset 0 of the text being encoded (Metaspace prepend_scheme "first" depends on it).
  void split(std::string_view text, bool at_origin, const WordSink& sink, PreTokenizeScratch& scratch) const;

  enum class Behavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };
  enum class PrependScheme { kAlways, kFirst, kNever };

 private:
  enum class Kind { kSplit, kByteLevel, kDigits, kMetaspace };
  struct Step {
    Kind kind;
    std::optional<Regex> pattern;  // kSplit (none: empty String pattern); kByteLevel with use_regex
    Behavior behavior = Behavior::kIsolated;
    bool invert = false;
    bool add_prefix_space = false;   // kByteLevel
    bool individual_digits = false;  // kDigits
    std::string replacement;         // kMetaspace, UTF-8 of one character
    PrependScheme prepend = PrependScheme::kAlways;
    bool split = true;  // kMetaspace
  };

  static void append_steps(const JsonPath& config, std::vector<Step>& steps);
  // Runs steps_[index..] on one piece.
  void run(size_t index, std::string_view text, bool at_origin, const WordSink& sink, PreTokenizeScratch& s) const;

  std::vector<Step> steps_;
};

}  // namespace lightvl::text
