// UTF-8 helpers shared by the tokenizer: validation, lossy repair, code-point stepping.
//
// Invalid input policy: encode() refuses text that is not valid UTF-8 (require_valid_utf8 names the first
// bad byte); callers who prefer to keep going repair it with to_valid_utf8(), which replaces each maximal
// invalid subpart with U+FFFD exactly as Rust's String::from_utf8_lossy and Python's
// bytes.decode(errors="replace") do. Decoding ids back to text uses the same repair, so lightvl's decode()
// matches Hugging Face's byte-for-byte even for ids that end in the middle of a character.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lightvl::text {

// The Unicode replacement character U+FFFD, UTF-8 encoded.
inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

// Length in bytes of the longest prefix of `s` that is well-formed UTF-8 (s.size() when all of it is).
size_t valid_utf8_prefix(std::string_view s);

inline bool is_valid_utf8(std::string_view s) { return valid_utf8_prefix(s) == s.size(); }

// Throws Error(kInvalidArgument) when `s` is not valid UTF-8; the message starts with `what` ("text to
// encode"), gives the byte offset of the first bad byte and says how to repair the input.
void require_valid_utf8(std::string_view s, std::string_view what);

// Copy of `s` with every maximal invalid subpart replaced by U+FFFD (Unicode "substitution of maximal
// subparts", the policy of Rust from_utf8_lossy / Python errors="replace" / WHATWG).
std::string to_valid_utf8(std::string_view s);

// Appends the UTF-8 encoding of code point `cp` (< 0x110000, not a surrogate) to `out`.
void append_utf8(std::string& out, char32_t cp);

// Decodes the code point starting at s[pos] and advances `pos` past it. `s` must be valid UTF-8 and
// pos < s.size() (checked by the caller; this is the hot path).
char32_t next_code_point(std::string_view s, size_t& pos);

// Number of bytes of the character whose first byte is `lead` (1 for ASCII and for stray bytes).
inline size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// Number of bytes at the end of `s` that form the valid beginning of a character still missing its last
// bytes (0 to 3). A streaming decoder holds those bytes back until the character completes.
size_t incomplete_utf8_suffix(std::string_view s);

}  // namespace lightvl::text
