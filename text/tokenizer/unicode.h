// Unicode facts the tokenizer needs beyond regular expressions: normalization forms (through utf8proc,
// a maintained Unicode library from Debian) and the two character properties Hugging Face's Rust code
// tests directly (char::is_whitespace, char::is_numeric). All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace lightvl::text {

enum class NormalizationForm { kNFC, kNFD, kNFKC, kNFKD };

// Returns `s` (valid UTF-8) in the given normalization form. Runs of ASCII text are copied without
// calling into utf8proc (they are invariant under all four forms). Throws Error(kInternal) only if
// utf8proc reports a failure, which valid input cannot cause.
std::string normalize_unicode(std::string_view s, NormalizationForm form);

// Unicode White_Space property (the same set as Rust's char::is_whitespace and Oniguruma's \s).
bool is_white_space(char32_t cp);

// General category Nd, Nl or No (Rust's char::is_numeric, used by the Digits pre-tokenizer).
bool is_numeric(char32_t cp);

}  // namespace lightvl::text
