// UTF-8 validation and repair following the Unicode standard's well-formed byte sequence table.
#include "tokenizer/utf8.h"

#include <cstdio>

#include "core/error.h"

namespace lightvl::text {
namespace {

// Result of looking at the sequence that starts at one byte: how many bytes belong to it and whether
// they form a complete, well-formed character. When not, `length` is the maximal invalid subpart (at
// least 1 byte), which is what one U+FFFD replaces.
struct Sequence {
  size_t length;
  bool valid;
};

// The well-formed byte sequences table of the Unicode standard (Table 3-7): the allowed range of the
// second byte depends on the lead byte (this excludes overlongs, surrogates and code points > U+10FFFF);
// later continuation bytes are always 80..BF.
Sequence scan_sequence(std::string_view s, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return {1, true};
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return {1, false};  // 80..C1 or F5..FF can never start a character
  }
  size_t len = 1;
  for (size_t k = 0; k < need; ++k) {
    if (pos + len >= s.size()) return {len, false};
    const unsigned char b = byte(pos + len);
    const unsigned char min = (k == 0) ? lo : 0x80;
    const unsigned char max = (k == 0) ? hi : 0xBF;
    if (b < min || b > max) return {len, false};
    ++len;
  }
  return {len, true};
}

}  // namespace

size_t valid_utf8_prefix(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    // ASCII fast path: most text is ASCII, and this loop is on the encode() hot path.
    if (static_cast<unsigned char>(s[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const Sequence seq = scan_sequence(s, pos);
    if (!seq.valid) return pos;
    pos += seq.length;
  }
  return s.size();
}

void require_valid_utf8(std::string_view s, std::string_view what) {
  const size_t bad = valid_utf8_prefix(s);
  if (bad == s.size()) return;
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(s[bad]));
  fail(ErrorCode::kInvalidArgument,
       std::string(what) + " is not valid UTF-8: byte " + std::to_string(bad) + " (" + hex +
           ") does not start a well-formed character; convert the input to UTF-8 or repair it with "
           "to_valid_utf8(), which replaces invalid bytes with U+FFFD");
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    const Sequence seq = scan_sequence(s, pos);
    if (seq.valid) {
      out.append(s.substr(pos, seq.length));
    } else {
      out.append(kReplacementChar);
    }
    pos += seq.length;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

char32_t next_code_point(std::string_view s, size_t& pos) {
  const auto byte = [&](size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(s[i])); };
  const char32_t lead = byte(pos);
  if (lead < 0x80) {
    pos += 1;
    return lead;
  }
  if (lead < 0xE0) {
    const char32_t cp = ((lead & 0x1F) << 6) | (byte(pos + 1) & 0x3F);
    pos += 2;
    return cp;
  }
  if (lead < 0xF0) {
    const char32_t cp = ((lead & 0x0F) << 12) | ((byte(pos + 1) & 0x3F) << 6) | (byte(pos + 2) & 0x3F);
    pos += 3;
    return cp;
  }
  const char32_t cp = ((lead & 0x07) << 18) | ((byte(pos + 1) & 0x3F) << 12) | ((byte(pos + 2) & 0x3F) << 6) |
                      (byte(pos + 3) & 0x3F);
  pos += 4;
  return cp;
}

size_t incomplete_utf8_suffix(std::string_view s) {
  // A truncated character is at most 3 bytes long; look for its lead byte among the last 3 bytes and
  // check that everything from there on is a valid (but short) beginning.
  const size_t max_back = s.size() < 3 ? s.size() : 3;
  for (size_t back = 1; back <= max_back; ++back) {
    const size_t start = s.size() - back;
    const unsigned char b = static_cast<unsigned char>(s[start]);
    if (b >= 0x80 && b < 0xC0) continue;  // a continuation byte: the lead is further back
    if (b < 0xC2 || b > 0xF4) return 0;  // ASCII, or a byte that never starts a character
    const Sequence seq = scan_sequence(s, start);
    // Invalid only because the input ended: the whole tail was consumed without a mismatch.
    return (!seq.valid && start + seq.length == s.size()) ? back : 0;
  }
  return 0;
}

}  // namespace lightvl::text
