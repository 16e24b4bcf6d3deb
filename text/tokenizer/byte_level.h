// GPT-2's byte-level alphabet: a reversible map from each of the 256 byte values to a printable Unicode
// character, so that any byte string becomes a string of "visible" characters a BPE vocabulary can hold
// (the space byte 0x20 becomes 'Ġ' U+0120, newline 0x0A becomes 'Ċ' U+010A). Used by the ByteLevel
// pre-tokenizer (bytes -> characters) and the ByteLevel decoder (characters -> bytes). The tables are
// built once, at first use, and are immutable afterwards (thread-safe).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lightvl::text {

// Appends the byte-level image of `bytes` (one mapped character per byte) to `out`.
void append_byte_level(std::string& out, std::string_view bytes);

// The byte that code point `cp` stands for, or -1 when `cp` is not in the byte-level alphabet.
int byte_level_char_to_byte(char32_t cp);

// The code point that stands for byte `b`.
char32_t byte_level_byte_to_char(uint8_t b);

}  // namespace lightvl::text
