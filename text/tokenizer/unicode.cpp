// Unicode normalization through utf8proc, and the two character properties the pipeline tests directly.
#include "tokenizer/unicode.h"

#include <cstdlib>
#include <memory>

#include <utf8proc.h>

#include "core/error.h"

namespace lightvl::text {

namespace {

// utf8proc on one piece of text (valid UTF-8).
void append_normalized(std::string& out, std::string_view s, int options) {
  // An explicit length (no UTF8PROC_NULLTERM) keeps embedded NUL characters, as Hugging Face does.
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
                   &mapped, static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  if (n < 0) {
    fail(ErrorCode::kInternal, std::string("Unicode normalization failed in utf8proc: ") + utf8proc_errmsg(n));
  }
  out.append(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
}

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }

}  // namespace

std::string normalize_unicode(std::string_view s, NormalizationForm form) {
  int options = UTF8PROC_STABLE;
  switch (form) {
    case NormalizationForm::kNFC: options |= UTF8PROC_COMPOSE; break;
    case NormalizationForm::kNFD: options |= UTF8PROC_DECOMPOSE; break;
    case NormalizationForm::kNFKC: options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT; break;
    case NormalizationForm::kNFKD: options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT; break;
  }
  // ASCII characters are unchanged by all four forms, never combine with what precedes them and have
  // combining class 0, so the text can be cut just before any ASCII character and each piece normalized
  // on its own (UAX #15, normalization boundaries). Only the pieces that hold non-ASCII characters go
  // through utf8proc: a piece starts at the ASCII character before them (which a following combining
  // mark may compose with) and ends before the next ASCII character.
  std::string out;
  out.reserve(s.size());
  size_t done = 0;
  while (done < s.size()) {
    size_t first = done;
    while (first < s.size() && is_ascii(s[first])) ++first;
    if (first == s.size()) break;
    const size_t start = first > done ? first - 1 : first;
    size_t end = first;
    while (end < s.size() && !is_ascii(s[end])) ++end;
    out.append(s.substr(done, start - done));
    append_normalized(out, s.substr(start, end - start), options);
    done = end;
  }
  out.append(s.substr(done));
  return out;
}

bool is_white_space(char32_t cp) {
  // The White_Space property list of Unicode's PropList.txt; it has not changed since Unicode 6.3.
  if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
  if (cp < 0x85) return false;
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool is_numeric(char32_t cp) {
  const utf8proc_category_t c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NL || c == UTF8PROC_CATEGORY_NO;
}

}  // namespace lightvl::text
