// Windowed incremental decoding (see the header). Decoding the context ids again in every window is what
// makes the result exact for decoders with position-dependent rules (Metaspace drops the prefix space of
// the first token, Strip trims the first character): the context starts both decodes alike, so those
// rules cancel out in the difference.
#include "tokenizer/streaming_detokenizer.h"

#include "core/error.h"
#include "tokenizer/utf8.h"

namespace lightvl::text {

StreamingDetokenizer::StreamingDetokenizer(Tokenizer tokenizer, bool skip_special)
    : tokenizer_(std::move(tokenizer)), skip_special_(skip_special) {}

std::string StreamingDetokenizer::push(TokenId id) {
  window_.push_back(id);
  std::string text;
  try {
    text = tokenizer_.decode(window_, skip_special_);
  } catch (...) {
    window_.pop_back();
    throw;
  }
  // Hold back while nothing new appeared or while the text ends in U+FFFD: the next id may complete the
  // character (a U+FFFD that really is in the text just waits one more step, or until finish()).
  const bool grew = text.size() > context_text_.size();
  const bool ends_replaced = text.size() >= kReplacementChar.size() &&
                             std::string_view(text).substr(text.size() - kReplacementChar.size()) == kReplacementChar;
  if (!grew || ends_replaced) return {};
  if (text.compare(0, context_text_.size(), context_text_) != 0) {
    fail(ErrorCode::kInternal, "streaming decode of " + tokenizer_.name() +
                                   ": a window's text does not extend its context; please report this tokenizer");
  }
  std::string fresh = text.substr(context_text_.size());
  // The ids just emitted become the context of the next window.
  window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(context_));
  context_ = window_.size();
  context_text_ = tokenizer_.decode(window_, skip_special_);
  return fresh;
}

std::string StreamingDetokenizer::finish() {
  std::string rest;
  if (window_.size() > context_) {
    const std::string text = tokenizer_.decode(window_, skip_special_);
    if (text.compare(0, context_text_.size(), context_text_) != 0) {
      fail(ErrorCode::kInternal, "streaming decode of " + tokenizer_.name() +
                                     ": a window's text does not extend its context; please report this tokenizer");
    }
    rest = text.substr(context_text_.size());
  }
  window_.clear();
  context_ = 0;
  context_text_.clear();
  return rest;
}

}  // namespace lightvl::text
