// lightvl public C++ API: a checkpoint's tokenizer and chat template on their own (no weights needed).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lightvl/error.h"

namespace lightvl {

namespace text {
class Tokenizer;
class ChatTemplate;
}  // namespace text

// Loaded from a model directory's tokenizer.json (+ tokenizer_config.json / chat_template files).
// Immutable after load: all members are const and thread-safe. Errors: lightvl::Error.
class TextTokenizer {
 public:
  // Throws Error(kNotFound) without tokenizer.json, Error(kBadModel/kUnsupported) for files lightvl
  // cannot read exactly (naming the component).
  static TextTokenizer load(const std::string& model_dir);
  ~TextTokenizer();
  TextTokenizer(TextTokenizer&&) noexcept;
  TextTokenizer& operator=(TextTokenizer&&) noexcept;

  // Ids of `text` (valid UTF-8, else Error(kInvalidArgument)). `allow_special`: special-token strings in
  // the text become their ids; otherwise they are encoded as plain text.
  std::vector<int32_t> encode(const std::string& text, bool allow_special = true) const;
  // Text of `ids` (Error(kInvalidArgument) for an id outside the vocabulary).
  std::string decode(const std::vector<int32_t>& ids, bool skip_special = false) const;
  // The id of a token string, or −1.
  int32_t token_to_id(const std::string& token) const;
  int64_t vocab_size() const;

  // Renders a conversation given as a JSON array of {"role", "content"} messages (content a string or a
  // list of {"type": "text"|"image", ...} parts) with the checkpoint's chat template; appends the assistant
  // header. Throws Error(kInvalidArgument) for malformed messages, naming the message.
  std::string render_chat(const std::string& messages_json) const;
  // Which template is used ("MiniMax-VL-01", "MiniMax-Text-01", or why a plain fallback is used).
  std::string chat_template_name() const;

 private:
  TextTokenizer() = default;
  std::unique_ptr<text::Tokenizer> tokenizer_;
  std::unique_ptr<text::ChatTemplate> template_;
};

}  // namespace lightvl
