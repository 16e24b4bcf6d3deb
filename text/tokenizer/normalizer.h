// The "normalizer" stage of tokenizer.json: rewrites text before pre-tokenization.
//
// Supported types (those found in released byte-level BPE files): NFC, NFD, NFKC, NFKD, Replace (String
// or Regex pattern), Prepend, Strip, Sequence. Any other type is refused by name at load time.
// Immutable after construction; apply() is const and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/json_path.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"

namespace lightvl::text {

class Normalizer {
 public:
  // The identity (tokenizer.json "normalizer": null).
  Normalizer() = default;

  // Builds the normalizer described by `config` (a JSON object, or null for the identity).
  // Throws Error(kUnsupported) naming an unsupported type, Error(kBadModel) for malformed fields.
  static Normalizer from_json(const JsonPath& config);

  bool is_identity() const { return steps_.empty(); }

  // Returns the normalized form of `text` (valid UTF-8 in, valid UTF-8 out).
  std::string apply(std::string_view text) const;

 private:
  enum class Kind { kUnicode, kReplace, kPrepend, kStrip };
  struct Step {
    Kind kind;
    NormalizationForm form = NormalizationForm::kNFC;  // kUnicode
    std::optional<Regex> pattern;                        // kReplace (none: an empty String pattern)
    std::string text;                                    // kReplace: replacement; kPrepend: prefix
    bool strip_left = false, strip_right = false;        // kStrip
  };

  static void append_steps(const JsonPath& config, std::vector<Step>& steps);
  std::vector<Step> steps_;
};

// Replaces every match of `pattern` in `text` by `content` (Hugging Face NormalizedString::replace).
// Shared by the Replace normalizer and the Replace decoder.
std::string replace_all(const Regex& pattern, std::string_view text, std::string_view content);

// Pattern of a Split/Replace step: {"String": s} (literal) or {"Regex": r} (Oniguruma syntax). Returns
// nullopt for an empty String pattern, which matches nothing in Hugging Face.
std::optional<Regex> parse_pattern(const JsonPath& pattern);

// Strips leading and/or trailing White_Space characters (Rust char::is_whitespace) from `text`.
std::string_view strip_white_space(std::string_view text, bool left, bool right);

}  // namespace lightvl::text
