// Decoding steps, each a rewrite of Hugging Face's decode_chain: a list of token strings in, a list out.
// Some steps work per token (Replace, Strip, Metaspace), others join tokens (ByteLevel, Fuse) or runs of
// tokens (ByteFallback); keeping the list form lets any Sequence of them compose exactly as in Python.
#include "tokenizer/decoder.h"

#include "tokenizer/byte_level.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/utf8.h"

namespace lightvl::text {
namespace {

// The characters of `s` as (offset, length) pairs.
std::vector<Span> characters(std::string_view s) {
  std::vector<Span> chars;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t start = pos;
    next_code_point(s, pos);
    chars.push_back({start, pos});
  }
  return chars;
}

// ByteLevel: every token back to bytes (a token with a character outside the byte-level alphabet, such
// as an added token's content, contributes its own UTF-8 bytes), then one lossy UTF-8 string.
void byte_level(std::vector<std::string>& tokens) {
  std::string bytes;
  for (const std::string& token : tokens) {
    const size_t mark = bytes.size();
    size_t pos = 0;
    bool mapped = true;
    while (pos < token.size()) {
      const int b = byte_level_char_to_byte(next_code_point(token, pos));
      if (b < 0) {
        mapped = false;
        break;
      }
      bytes.push_back(static_cast<char>(b));
    }
    if (!mapped) {
      bytes.resize(mark);
      bytes += token;
    }
  }
  tokens.assign(1, is_valid_utf8(bytes) ? std::move(bytes) : to_valid_utf8(bytes));
}

// ByteFallback: runs of <0xXX> tokens become the string of those bytes, or one U+FFFD per byte when the
// run is not valid UTF-8 as a whole.
void byte_fallback(std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  std::string run;
  size_t run_tokens = 0;
  const auto flush = [&] {
    if (run_tokens == 0) return;
    if (is_valid_utf8(run)) {
      out.push_back(run);
    } else {
      for (size_t i = 0; i < run_tokens; ++i) out.emplace_back(kReplacementChar);
    }
    run.clear();
    run_tokens = 0;
  };
  for (std::string& token : tokens) {
    const auto hex = [](char c) {
      return (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    };
    if (token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>' && hex(token[3]) >= 0 &&
        hex(token[4]) >= 0) {
      run.push_back(static_cast<char>(hex(token[3]) * 16 + hex(token[4])));
      ++run_tokens;
      continue;
    }
    flush();
    out.push_back(std::move(token));
  }
  flush();
  tokens.swap(out);
}

// Strip: removes up to `start` leading and `stop` trailing copies of one character from every token.
void strip(std::vector<std::string>& tokens, std::string_view ch, size_t start, size_t stop) {
  for (std::string& token : tokens) {
    const std::vector<Span> chars = characters(token);
    const auto is_ch = [&](const Span& c) { return std::string_view(token).substr(c.begin, c.end - c.begin) == ch; };
    size_t first = 0;
    while (first < start && first < chars.size() && is_ch(chars[first])) ++first;
    size_t last = chars.size();
    for (size_t i = 0; i < stop && last > first && is_ch(chars[last - 1]); ++i) --last;
    const size_t begin = first < chars.size() ? chars[first].begin : token.size();
    const size_t end = last > 0 ? chars[last - 1].end : 0;
    token = end > begin ? token.substr(begin, end - begin) : std::string();
  }
}

// Metaspace: the replacement character becomes a space, except in the first token when a prefix was
// prepended at encoding, where every occurrence is dropped (Hugging Face's behaviour).
void metaspace(std::vector<std::string>& tokens, std::string_view ch, bool drop_first) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string out;
    std::string_view token = tokens[i];
    size_t pos = 0;
    while (pos < token.size()) {
      if (token.compare(pos, ch.size(), ch) == 0) {
        if (!(i == 0 && drop_first)) out += ' ';
        pos += ch.size();
      } else {
        const size_t len = utf8_sequence_length(static_cast<unsigned char>(token[pos]));
        out.append(token.substr(pos, len));
        pos += len;
      }
    }
    tokens[i] = std::move(out);
  }
}

}  // namespace

Decoder Decoder::from_json(const JsonPath& config) {
  Decoder d;
  if (config.value().is_null()) return d;
  d.present_ = true;
  append_steps(config, d.steps_);
  return d;
}

void Decoder::append_steps(const JsonPath& config, std::vector<Step>& steps) {
  const std::string type = config.string("type");
  if (type == "Sequence") {
    const JsonPath list = config.at("decoders");
    list.require_type("array");
    for (size_t i = 0; i < list.value().size(); ++i) append_steps(list.at(i), steps);
    return;
  }
  Step step;
  if (type == "ByteLevel") {
    step.kind = Kind::kByteLevel;
  } else if (type == "Replace") {
    step.kind = Kind::kReplace;
    step.pattern = parse_pattern(config.at("pattern"));
    step.content = config.string("content");
  } else if (type == "ByteFallback") {
    step.kind = Kind::kByteFallback;
  } else if (type == "Fuse") {
    step.kind = Kind::kFuse;
  } else if (type == "Strip") {
    step.kind = Kind::kStrip;
    step.content = config.string("content");
    step.start = static_cast<size_t>(config.integer("start", 0, 1 << 20));
    step.stop = static_cast<size_t>(config.integer("stop", 0, 1 << 20));
  } else if (type == "Metaspace") {
    step.kind = Kind::kMetaspace;
    step.content = config.string("replacement");
    const std::string scheme = config.string_or("prepend_scheme", "always");
    step.drop_first_prefix = scheme != "never" && config.boolean_or("add_prefix_space", true);
  } else {
    config.fail_here("has type \"" + type +
                         "\", a decoder lightvl does not implement (supported: ByteLevel, Replace, ByteFallback, "
                         "Fuse, Strip, Metaspace, Sequence)",
                     ErrorCode::kUnsupported);
  }
  steps.push_back(std::move(step));
}

void Decoder::run_step(const Step& step, std::vector<std::string>& tokens) {
  switch (step.kind) {
    case Kind::kByteLevel: byte_level(tokens); break;
    case Kind::kReplace:
      if (step.pattern) {
        for (std::string& token : tokens) token = replace_all(*step.pattern, token, step.content);
      }
      break;
    case Kind::kByteFallback: byte_fallback(tokens); break;
    case Kind::kFuse: {
      std::string joined;
      for (const std::string& token : tokens) joined += token;
      tokens.assign(1, std::move(joined));
      break;
    }
    case Kind::kStrip: strip(tokens, step.content, step.start, step.stop); break;
    case Kind::kMetaspace: metaspace(tokens, step.content, step.drop_first_prefix); break;
  }
}

std::string Decoder::decode(const std::vector<std::string_view>& tokens) const {
  std::string text;
  if (!present_) {
    // Hugging Face joins the tokens with spaces when a tokenizer has no decoder.
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) text += ' ';
      text += tokens[i];
    }
    return text;
  }
  std::vector<std::string> current(tokens.begin(), tokens.end());
  for (const Step& step : steps_) run_step(step, current);
  for (const std::string& token : current) text += token;
  return text;
}

}  // namespace lightvl::text
