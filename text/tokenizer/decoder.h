// The "decoder" stage of tokenizer.json: turns the token strings of a sequence of ids back into text.
//
// Supported types: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, Sequence; any other type is
// refused by name at load time. Like Hugging Face, each step maps a list of token strings to a new list
// and the result is their concatenation; without a decoder the tokens are joined with spaces. Invalid
// UTF-8 produced by byte-level tokens is replaced by U+FFFD per maximal invalid subpart (Rust
// from_utf8_lossy), so decode() never fails on ids that split a character.
// Immutable after construction; decode() is const and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/json_path.h"
#include "tokenizer/regex.h"

namespace lightvl::text {

class Decoder {
 public:
  // No decoder (tokenizer.json "decoder": null).
  Decoder() = default;

  // Builds the decoder described by `config` (object or null). Throws Error(kUnsupported) naming an
  // unsupported type, Error(kBadModel) for malformed fields.
  static Decoder from_json(const JsonPath& config);

  // Decodes the token strings of a sequence, in order.
  std::string decode(const std::vector<std::string_view>& tokens) const;

 private:
  enum class Kind { kByteLevel, kReplace, kByteFallback, kFuse, kStrip, kMetaspace };
  struct Step {
    Kind kind;
    std::optional<Regex> pattern;  // kReplace
    std::string content;           // kReplace: replacement; kStrip/kMetaspace: the character (UTF-8)
    size_t start = 0, stop = 0;    // kStrip
    bool drop_first_prefix = true; // kMetaspace: prepend_scheme != never
  };

  static void append_steps(const JsonPath& config, std::vector<Step>& steps);
  static void run_step(const Step& step, std::vector<std::string>& tokens);

  bool present_ = false;
  std::vector<Step> steps_;
};

}  // namespace lightvl::text
