// Regular expressions for pre-tokenizers, Split/Replace patterns and added-token checks, through PCRE2
// (8-bit, UTF + Unicode properties, JIT-compiled when the library supports it).
//
// tokenizer.json patterns are written for Oniguruma, the engine Hugging Face's tokenizers library uses.
// The two dialects agree on everything the released tokenizer regexes use (\p{..} classes, lookahead
// (?!..), case-insensitive groups (?i:..) with Unicode case folding) except the meaning of a few
// escapes, which translate_onig_pattern() rewrites so that they match the same characters:
//   \s \S  Oniguruma: White_Space;             PCRE2 UCP also matches U+180E       -> \p{White_Space}
//   \w \W  Oniguruma: Letter|Mark|Number|Pc;   PCRE2 UCP: Letter|Number|'_'        -> explicit classes
//   \h \H  Oniguruma: hexadecimal digit;       PCRE2: horizontal space             -> [0-9a-fA-F]
//   \uHHHH Oniguruma (Ruby syntax) code point; PCRE2 has no \u                      -> \x{HHHH}
// Nested classes and class intersection ("[a-z&&[^aeiou]]") have no PCRE2 equivalent and are refused.
//
// A Regex is immutable once built; copies share the compiled code. find_all() and matches_at() are
// thread-safe (each call uses its own match data).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lightvl::text {

// A half-open byte range [begin, end) inside some string.
struct Span {
  size_t begin;
  size_t end;
};

// Rewrites an Oniguruma pattern into PCRE2 syntax with the same meaning (see the table above).
// Throws Error(kUnsupported) naming `where` for constructs that cannot be translated.
std::string translate_onig_pattern(std::string_view pattern, const std::string& where);

class Regex {
 public:
  // Compiles an Oniguruma-syntax pattern. `where` names its origin in errors ("tokenizer.json:
  // pre_tokenizer.pretokenizers[0].pattern"). Throws Error(kBadModel) when the pattern does not compile
  // and Error(kUnsupported) when it uses syntax that cannot be translated.
  static Regex onig(std::string_view pattern, const std::string& where);

  // A regex that matches `text` literally (Split/Replace with a {"String": ...} pattern).
  static Regex literal(std::string_view text, const std::string& where);

  // Calls `on_match` for each successive non-overlapping match in `subject` (valid UTF-8, not checked),
  // left to right, iterating as the Rust `onig` crate does: after an empty match right where the previous
  // match ended, the search restarts one character further. Memory use does not grow with the number of
  // matches. Throws Error(kUnsupported) if PCRE2 exceeds its resource limits on a pathological input.
  void for_each_match(std::string_view subject, const std::function<void(Span)>& on_match) const;

  // The same matches, appended to `out`.
  void find_all(std::string_view subject, std::vector<Span>& out) const;

  // True when the pattern matches starting exactly at byte `pos` of `subject` (valid UTF-8).
  bool matches_at(std::string_view subject, size_t pos) const;

  const std::string& pattern() const;

  struct Compiled;  // opaque: the PCRE2 code, defined in regex.cpp

 private:
  explicit Regex(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace lightvl::text
