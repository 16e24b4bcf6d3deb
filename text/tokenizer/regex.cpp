// PCRE2 behind the Regex interface, plus the Oniguruma -> PCRE2 pattern translation (see the header for
// the differences it covers).
#include "tokenizer/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>

#include "core/error.h"
#include "tokenizer/utf8.h"

namespace lightvl::text {
namespace {

// Oniguruma's \w: General_Category Letter | Mark | Number | Connector_Punctuation (class body only).
constexpr std::string_view kOnigWordBody = "\\p{L}\\p{M}\\p{N}\\p{Pc}";
constexpr std::string_view kHexBody = "0-9a-fA-F";

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof buffer);
  return reinterpret_cast<const char*>(buffer);
}

[[noreturn]] void fail_untranslatable(const std::string& where, std::string_view pattern, const std::string& what) {
  fail(ErrorCode::kUnsupported, where + ": the regular expression \"" + std::string(pattern) + "\" uses " + what +
                                    ", which lightvl cannot translate from Oniguruma to PCRE2 syntax; "
                                    "rewrite the pattern without it");
}

}  // namespace

// A single left-to-right pass: escapes are rewritten (differently inside and outside a character class,
// since a class cannot nest another), everything else is copied.
std::string translate_onig_pattern(std::string_view p, const std::string& where) {
  std::string out;
  out.reserve(p.size() + 32);
  bool in_class = false;
  size_t class_body_start = 0;  // index of the first character of the current class body
  for (size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char d = p[i + 1];
      switch (d) {
        case 's': out += "\\p{White_Space}"; break;
        case 'S': out += "\\P{White_Space}"; break;
        case 'w':
        case 'h':
          // Inside a class only the class body is inserted; outside it becomes a class of its own.
          if (!in_class) out += '[';
          out += d == 'w' ? kOnigWordBody : kHexBody;
          if (!in_class) out += ']';
          break;
        case 'W':
        case 'H':
          if (in_class) fail_untranslatable(where, p, std::string("\\") + d + " inside a character class");
          out += "[^";
          out += d == 'W' ? kOnigWordBody : kHexBody;
          out += ']';
          break;
        case 'u': {
          const bool hex4 = i + 5 < p.size() && std::isxdigit(static_cast<unsigned char>(p[i + 2])) &&
                            std::isxdigit(static_cast<unsigned char>(p[i + 3])) &&
                            std::isxdigit(static_cast<unsigned char>(p[i + 4])) &&
                            std::isxdigit(static_cast<unsigned char>(p[i + 5]));
          if (!hex4) fail_untranslatable(where, p, "\\u without four hexadecimal digits");
          out += "\\x{" + std::string(p.substr(i + 2, 4)) + "}";
          i += 6;
          continue;
        }
        default: out += p.substr(i, 2); break;  // \p{..}, \r, \n, \. ... mean the same in both
      }
      i += 2;
      continue;
    }
    if (in_class) {
      if (c == '[') {
        if (i + 1 < p.size() && p[i + 1] == ':') {  // POSIX bracket [:alpha:], same in both dialects
          const size_t close = p.find(":]", i + 2);
          if (close == std::string_view::npos) fail_untranslatable(where, p, "an unterminated POSIX bracket");
          out += p.substr(i, close + 2 - i);
          i = close + 2;
          continue;
        }
        fail_untranslatable(where, p, "a nested character class");
      }
      if (c == '&' && i + 1 < p.size() && p[i + 1] == '&') fail_untranslatable(where, p, "class intersection (&&)");
      if (c == ']' && i > class_body_start) in_class = false;
      out += c;
      ++i;
      continue;
    }
    out += c;
    ++i;
    if (c == '[') {
      in_class = true;
      if (i < p.size() && p[i] == '^') out += p[i++];
      class_body_start = i;  // a ']' right here is a literal, in Oniguruma as in PCRE2
    }
  }
  return out;
}

struct Regex::Compiled {
  std::string pattern;  // as written in tokenizer.json, for messages
  std::string where;
  pcre2_code* code = nullptr;
  bool jit = false;

  ~Compiled() { pcre2_code_free(code); }
};

namespace {

std::shared_ptr<Regex::Compiled> compile(std::string pattern, std::string pcre2_pattern, uint32_t options,
                                         const std::string& where) {
  auto compiled = std::make_shared<Regex::Compiled>();
  compiled->pattern = std::move(pattern);
  compiled->where = where;
  int error = 0;
  PCRE2_SIZE offset = 0;
  compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pcre2_pattern.data()), pcre2_pattern.size(),
                                 options, &error, &offset, nullptr);
  if (compiled->code == nullptr) {
    fail(ErrorCode::kBadModel, where + ": the regular expression \"" + compiled->pattern +
                                   "\" does not compile (PCRE2: " + pcre2_message(error) + " at offset " +
                                   std::to_string(offset) + " of \"" + pcre2_pattern + "\")");
  }
  // JIT is an optimisation only: without it (a PCRE2 built without JIT) the interpreter gives the same
  // matches, more slowly.
  compiled->jit = pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE) == 0;
  return compiled;
}

// Owns the per-call match data, and a large JIT stack when a pattern needs more than the default 32 KiB.
class Matcher {
 public:
  explicit Matcher(const Regex::Compiled& re) : re_(re), data_(pcre2_match_data_create(1, nullptr)) {
    require(data_ != nullptr, ErrorCode::kOutOfMemory, "cannot allocate PCRE2 match data");
  }
  ~Matcher() {
    pcre2_match_data_free(data_);
    pcre2_match_context_free(context_);
    pcre2_jit_stack_free(stack_);
  }
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Searches from `start`; returns false when there is no match.
  bool search(std::string_view subject, size_t start, uint32_t options, Span& match) {
    int rc = run(subject, start, options);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT && stack_ == nullptr) {
      // Deeply nested backtracking (long runs in some patterns): retry once with a 64 MiB JIT stack.
      stack_ = pcre2_jit_stack_create(1 << 16, 64 << 20, nullptr);
      context_ = pcre2_match_context_create(nullptr);
      require(stack_ != nullptr && context_ != nullptr, ErrorCode::kOutOfMemory, "cannot allocate a PCRE2 JIT stack");
      pcre2_jit_stack_assign(context_, nullptr, stack_);
      rc = run(subject, start, options);
    }
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    if (rc < 0) {
      fail(ErrorCode::kUnsupported, re_.where + ": matching the regular expression \"" + re_.pattern + "\" on " +
                                        std::to_string(subject.size()) + " bytes of text failed (PCRE2: " +
                                        pcre2_message(rc) + "); split the input into smaller pieces");
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data_);
    match = {ovector[0], ovector[1]};
    return true;
  }

 private:
  int run(std::string_view subject, size_t start, uint32_t options) {
    const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
    // The JIT fast path supports neither PCRE2_ANCHORED nor a UTF check; the caller validated UTF-8.
    if (re_.jit && (options & PCRE2_ANCHORED) == 0) {
      return pcre2_jit_match(re_.code, text, subject.size(), start, options, data_, context_);
    }
    return pcre2_match(re_.code, text, subject.size(), start, options | PCRE2_NO_UTF_CHECK, data_, context_);
  }

  const Regex::Compiled& re_;
  pcre2_match_data* data_;
  pcre2_match_context* context_ = nullptr;
  pcre2_jit_stack* stack_ = nullptr;
};

}  // namespace

Regex Regex::onig(std::string_view pattern, const std::string& where) {
  return Regex(compile(std::string(pattern), translate_onig_pattern(pattern, where), PCRE2_UTF | PCRE2_UCP, where));
}

Regex Regex::literal(std::string_view text, const std::string& where) {
  return Regex(compile(std::string(text), std::string(text), PCRE2_UTF | PCRE2_LITERAL, where));
}

void Regex::find_all(std::string_view subject, std::vector<Span>& out) const {
  for_each_match(subject, [&out](Span m) { out.push_back(m); });
}

void Regex::for_each_match(std::string_view subject, const std::function<void(Span)>& on_match) const {
  Matcher matcher(*compiled_);
  size_t search_from = 0;
  bool have_last = false;
  size_t last_match_end = 0;
  while (search_from <= subject.size()) {
    Span m;
    if (!matcher.search(subject, search_from, 0, m)) break;
    if (m.begin == m.end && have_last && last_match_end == m.end) {
      // An empty match right where the previous match ended: step over one character, as onig does.
      if (search_from >= subject.size()) break;
      search_from += utf8_sequence_length(static_cast<unsigned char>(subject[search_from]));
      continue;
    }
    search_from = m.end;
    have_last = true;
    last_match_end = m.end;
    on_match(m);
  }
}

bool Regex::matches_at(std::string_view subject, size_t pos) const {
  Matcher matcher(*compiled_);
  Span m;
  return matcher.search(subject, pos, PCRE2_ANCHORED, m);
}

const std::string& Regex::pattern() const { return compiled_->pattern; }

}  // namespace lightvl::text
