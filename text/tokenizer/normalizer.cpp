// Normalizer steps. Each runs on the whole text of one segment between added tokens, in file order.
#include "tokenizer/normalizer.h"

#include "tokenizer/utf8.h"

namespace lightvl::text {

std::optional<Regex> parse_pattern(const JsonPath& pattern) {
  pattern.require_type("object");
  if (pattern.has("Regex")) return Regex::onig(pattern.string("Regex"), pattern.where() + ".Regex");
  if (pattern.has("String")) {
    const std::string literal = pattern.string("String");
    if (literal.empty()) return std::nullopt;
    return Regex::literal(literal, pattern.where() + ".String");
  }
  pattern.fail_here("has neither \"Regex\" nor \"String\"; expected one of them");
}

std::string replace_all(const Regex& pattern, std::string_view text, std::string_view content) {
  std::vector<Span> matches;
  pattern.find_all(text, matches);
  if (matches.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t last = 0;
  for (const Span& m : matches) {
    out.append(text.substr(last, m.begin - last));
    out.append(content);
    last = m.end;
  }
  out.append(text.substr(last));
  return out;
}

// Hugging Face strips with Rust's char::is_whitespace, i.e. the White_Space property, not just ASCII.
std::string_view strip_white_space(std::string_view text, bool left, bool right) {
  size_t begin = 0, end = text.size();
  if (left) {
    while (begin < end) {
      size_t next = begin;
      if (!is_white_space(next_code_point(text, next))) break;
      begin = next;
    }
  }
  if (right) {
    while (end > begin) {
      size_t start = end - 1;  // step back to the lead byte of the last character
      while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
      size_t pos = start;
      if (!is_white_space(next_code_point(text, pos))) break;
      end = start;
    }
  }
  return text.substr(begin, end - begin);
}

Normalizer Normalizer::from_json(const JsonPath& config) {
  Normalizer n;
  if (!config.value().is_null()) append_steps(config, n.steps_);
  return n;
}

void Normalizer::append_steps(const JsonPath& config, std::vector<Step>& steps) {
  const std::string type = config.string("type");
  if (type == "Sequence") {
    const JsonPath list = config.at("normalizers");
    list.require_type("array");
    for (size_t i = 0; i < list.value().size(); ++i) append_steps(list.at(i), steps);
    return;
  }
  Step step;
  if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") {
    step.kind = Kind::kUnicode;
    step.form = type == "NFC"    ? NormalizationForm::kNFC
                : type == "NFD"  ? NormalizationForm::kNFD
                : type == "NFKC" ? NormalizationForm::kNFKC
                                 : NormalizationForm::kNFKD;
  } else if (type == "Replace") {
    step.kind = Kind::kReplace;
    step.pattern = parse_pattern(config.at("pattern"));
    step.text = config.string("content");
  } else if (type == "Prepend") {
    step.kind = Kind::kPrepend;
    step.text = config.string("prepend");
  } else if (type == "Strip") {
    step.kind = Kind::kStrip;
    step.strip_left = config.boolean_or("strip_left", true);
    step.strip_right = config.boolean_or("strip_right", true);
  } else {
    config.fail_here("has type \"" + type +
                         "\", a normalizer lightvl does not implement (supported: NFC, NFD, NFKC, NFKD, Replace, "
                         "Prepend, Strip, Sequence)",
                     ErrorCode::kUnsupported);
  }
  steps.push_back(std::move(step));
}

std::string Normalizer::apply(std::string_view text) const {
  std::string current(text);
  for (const Step& step : steps_) {
    switch (step.kind) {
      case Kind::kUnicode: current = normalize_unicode(current, step.form); break;
      case Kind::kReplace:
        if (step.pattern) current = replace_all(*step.pattern, current, step.text);
        break;
      case Kind::kPrepend:
        // Hugging Face prepends only to non-empty text.
        if (!current.empty()) current.insert(0, step.text);
        break;
      case Kind::kStrip: current = std::string(strip_white_space(current, step.strip_left, step.strip_right)); break;
    }
  }
  return current;
}

}  // namespace lightvl::text
