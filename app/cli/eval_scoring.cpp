// The demo scorers in C++. Python's re and str operate on code points with Unicode semantics; PCRE2 in
// UTF + UCP mode gives the same \b, \d and case mapping, so the caption patterns below are demo_data's
// CAPTION_OBJECT and CAPTION_GROUP verbatim (alternatives in the same order: regex alternation is
// first-match, so the order is part of the meaning).
#include "eval_scoring.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <climits>
#include <functional>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace lightvl::cli {
namespace {

// demo_data's vocabulary, in the order of its dicts and tuples.
constexpr std::array<std::string_view, 8> kColours = {"red",  "orange", "yellow", "green",
                                                      "blue", "purple", "black",  "white"};
constexpr std::array<std::string_view, 4> kShapes = {"circle", "square", "triangle", "star"};
constexpr std::array<std::string_view, 9> kWheres = {"in the top left",    "at the top",    "in the top right",
                                                     "on the left",        "in the middle", "on the right",
                                                     "in the bottom left", "at the bottom", "in the bottom right"};

template <size_t N>
std::string alternation(const std::array<std::string_view, N>& words) {
  std::string out = "(";
  for (size_t i = 0; i < N; ++i) {
    if (i) out += '|';
    out += words[i];
  }
  out += ')';
  return out;
}

// ---- UTF-8 as code points -------------------------------------------------------------------------

constexpr char32_t kReplacement = 0xFFFD;

// The code points of `text`; each byte of an invalid or truncated sequence becomes U+FFFD.
std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = uint8_t(text[i]);
    const int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    char32_t cp = length == 1 ? lead : length == 2 ? lead & 0x1F : length == 3 ? lead & 0x0F : lead & 0x07;
    bool ok = length > 0 && i + length <= text.size();
    for (int k = 1; ok && k < length; ++k) {
      const auto next = uint8_t(text[i + k]);
      ok = (next >> 6) == 0x2;
      cp = (cp << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid too.
    static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= kMinimum[length] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    out.push_back(ok ? cp : kReplacement);
    i += ok ? size_t(length) : 1;
  }
  return out;
}

std::string encode_utf8(std::u32string_view cps) {
  std::string out;
  for (char32_t cp : cps) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

// Python's str.isspace (also what re's \s matches in a str pattern).
bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// ---- PCRE2 -----------------------------------------------------------------------------------------

// A compiled UTF + UCP pattern, shared read-only between threads (each match makes its own match data).
class Pattern {
 public:
  explicit Pattern(const std::string& source) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(), PCRE2_UTF | PCRE2_UCP, &error,
                          &offset, nullptr);
    if (!code_) throw std::logic_error("eval_scoring: bad pattern " + source);  // a bug, never user data
  }
  ~Pattern() { pcre2_code_free(code_); }
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // Calls `visit` with the groups (0 = the whole match) of each non-overlapping match of `subject`, a
  // valid UTF-8 string, from left to right (Python's finditer; these patterns never match empty).
  void for_each_match(std::string_view subject,
                      const std::function<void(const std::vector<std::string_view>&)>& visit) const {
    pcre2_match_data* data = pcre2_match_data_create_from_pattern(code_, nullptr);
    const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
    PCRE2_SIZE start = 0;
    while (start <= subject.size() &&
           pcre2_match(code_, text, subject.size(), start, PCRE2_NO_UTF_CHECK, data, nullptr) > 0) {
      const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
      std::vector<std::string_view> groups;
      for (uint32_t g = 0; g < pcre2_get_ovector_count(data); ++g) {
        const bool set = ovector[2 * g] != PCRE2_UNSET;
        groups.push_back(set ? subject.substr(ovector[2 * g], ovector[2 * g + 1] - ovector[2 * g])
                             : std::string_view{});
      }
      visit(groups);
      start = ovector[1] > start ? ovector[1] : start + 1;
    }
    pcre2_match_data_free(data);
  }

  // True when the whole of `subject` (valid UTF-8) matches.
  bool matches(std::string_view subject) const {
    bool found = false;
    for_each_match(subject, [&](const std::vector<std::string_view>& g) { found = g[0].size() == subject.size(); });
    return found;
  }

  // `subject` (valid UTF-8) with every match replaced by `replacement` in PCRE2's extended syntax.
  std::string substitute(std::string_view subject, std::string_view replacement) const {
    std::string out(subject.size() + 16, '\0');
    for (int attempt = 0; attempt < 2; ++attempt) {
      PCRE2_SIZE length = out.size();
      const int rc = pcre2_substitute(
          code_, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
          PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_EXTENDED | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | PCRE2_NO_UTF_CHECK,
          nullptr, nullptr, reinterpret_cast<PCRE2_SPTR>(replacement.data()), replacement.size(),
          reinterpret_cast<PCRE2_UCHAR*>(out.data()), &length);
      if (rc >= 0) {
        out.resize(length);
        return out;
      }
      if (rc != PCRE2_ERROR_NOMEMORY) break;
      out.assign(length, '\0');  // PCRE2 reported the size it needs
    }
    throw std::logic_error("eval_scoring: substitution failed");  // a bug, never user data
  }

 private:
  pcre2_code* code_ = nullptr;
};

// Python's str.lower() on valid UTF-8 (simple case mapping; see the header).
std::string lower_case(std::string_view text) {
  static const Pattern kEverything("(?s).+");
  return text.empty() ? std::string() : kEverything.substitute(text, "\\L$0");
}

// Python's int() of a run of \d characters (any Unicode decimal digits). Numbers too large to be a count
// saturate at INT64_MAX, which no true count equals.
int64_t parse_decimal(std::string_view digits) {
  static const Pattern kDecimal("\\p{Nd}");
  const auto is_decimal = [](char32_t c) { return kDecimal.matches(encode_utf8(std::u32string(1, c))); };
  int64_t value = 0;
  for (char32_t c : decode_utf8(digits)) {
    // Decimal digits come in contiguous runs of whole 0-9 sets (a Unicode stability rule), so the
    // digit's value is its distance from the start of its run, modulo 10.
    char32_t zero = c;
    while (c >= 0x80 && zero > 0 && is_decimal(zero - 1)) --zero;
    const int digit = c < 0x80 ? int(c - U'0') : int((c - zero) % 10);
    value = value > (INT64_MAX - digit) / 10 ? INT64_MAX : value * 10 + digit;
  }
  return value;
}

// ---- the caption scorer by scene style -------------------------------------------------------------

Score score_text_caption(const std::string& text, const Truth& truth) {
  const int64_t code = text.find(lower_case(truth.text)) != std::string::npos;
  const int64_t colour = text.find(truth.text_colour) != std::string::npos;
  return {code + colour, 2};
}

Score score_count_caption(const std::string& text, const Truth& truth) {
  static const Pattern kGroup("\\b(\\d+) " + alternation(kColours) + " " + alternation(kShapes) + "s?\\b");
  std::map<std::pair<std::string, std::string>, int64_t> stated;  // (kind, colour) -> number; the last wins
  kGroup.for_each_match(text, [&](const std::vector<std::string_view>& g) {
    stated[{std::string(g[3]), std::string(g[2])}] = parse_decimal(g[1]);
  });
  std::map<std::pair<std::string, std::string>, int64_t> counts;
  for (const ShapeTruth& s : truth.shapes) ++counts[{s.kind, s.colour}];
  Score score{0, int64_t(counts.size())};
  for (const auto& [key, n] : counts) {
    const auto it = stated.find(key);
    score.correct += it != stated.end() && it->second == n;
  }
  for (const auto& [key, n] : stated) score.total += !counts.contains(key);
  return score;
}

Score score_grid_caption(const std::string& text, const Truth& truth) {
  static const Pattern kObject("\\b(?:a|an) (small|large) " + alternation(kColours) + " " + alternation(kShapes) + " " +
                               alternation(kWheres));
  std::map<std::string, std::tuple<std::string, std::string, std::string>> said;  // place -> size, colour, kind
  kObject.for_each_match(text, [&](const std::vector<std::string_view>& g) {
    said[std::string(g[4])] = {std::string(g[1]), std::string(g[2]), std::string(g[3])};
  });
  Score score;
  std::map<std::string, bool> true_places;
  for (const ShapeTruth& s : truth.shapes) {
    score.total += 4;
    true_places[s.where] = true;
    const auto it = said.find(s.where);
    if (it == said.end()) continue;
    const auto& [size, colour, kind] = it->second;
    score.correct += 1 + (size == s.size) + (colour == s.colour) + (kind == s.kind);
  }
  for (const auto& [where, phrase] : said) score.total += !true_places.contains(where);
  return score;
}

}  // namespace

std::string normalise(std::string_view answer) {
  const std::u32string cps = decode_utf8(lower_case(encode_utf8(decode_utf8(answer))));
  size_t begin = 0, end = cps.size();
  while (begin < end && is_python_space(cps[begin])) ++begin;
  while (end > begin && is_python_space(cps[end - 1])) --end;
  std::u32string collapsed;
  for (size_t i = begin; i < end; ++i) {
    if (!is_python_space(cps[i])) {
      collapsed.push_back(cps[i]);
    } else if (!is_python_space(cps[i - 1])) {  // the first of a run (cps[begin] is not a space)
      collapsed.push_back(U' ');
    }
  }
  while (!collapsed.empty() && collapsed.back() == U'.') collapsed.pop_back();
  size_t first = 0, last = collapsed.size();
  while (first < last && is_python_space(collapsed[first])) ++first;
  while (last > first && is_python_space(collapsed[last - 1])) --last;
  return encode_utf8(std::u32string_view(collapsed).substr(first, last - first));
}

Score score_answer(std::string_view prediction, const Truth& truth) {
  return {normalise(prediction) == truth.answer ? 1 : 0, 1};
}

Score score_caption(std::string_view prediction, const Truth& truth) {
  const std::string text = lower_case(encode_utf8(decode_utf8(prediction)));
  if (truth.style == "text") return score_text_caption(text, truth);
  if (truth.style == "count") return score_count_caption(text, truth);
  return score_grid_caption(text, truth);
}

Score score_prediction(std::string_view task, std::string_view prediction, const Truth& truth) {
  return task == "caption" ? score_caption(prediction, truth) : score_answer(prediction, truth);
}

}  // namespace lightvl::cli
