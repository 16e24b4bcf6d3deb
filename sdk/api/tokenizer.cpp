#include "lightvl/tokenizer.h"

#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "core/error.h"
#include "tokenizer/tokenizer.h"

namespace lightvl {

TextTokenizer TextTokenizer::load(const std::string& model_dir) {
  TextTokenizer t;
  t.tokenizer_ = std::make_unique<text::Tokenizer>(text::Tokenizer::from_directory(model_dir));
  const std::string& source = t.tokenizer_->config().chat_template;
  t.template_ = std::make_unique<text::ChatTemplate>(source.empty() ? text::ChatTemplate::of_format(text::ChatFormat::kMiniMaxVL01)
                                                                    : text::ChatTemplate::from_source(source));
  return t;
}

TextTokenizer::~TextTokenizer() = default;
TextTokenizer::TextTokenizer(TextTokenizer&&) noexcept = default;
TextTokenizer& TextTokenizer::operator=(TextTokenizer&&) noexcept = default;

std::vector<int32_t> TextTokenizer::encode(const std::string& text, bool allow_special) const {
  std::vector<int32_t> out;
  for (text::TokenId id : tokenizer_->encode(text, allow_special)) out.push_back(int32_t(id));
  return out;
}

std::string TextTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special) const {
  std::vector<text::TokenId> v(ids.begin(), ids.end());
  return tokenizer_->decode(v, skip_special);
}

int32_t TextTokenizer::token_to_id(const std::string& token) const {
  const auto id = tokenizer_->token_to_id(token);
  return id ? int32_t(*id) : -1;
}

int64_t TextTokenizer::vocab_size() const { return int64_t(tokenizer_->vocab_size()); }

std::string TextTokenizer::render_chat(const std::string& messages_json) const {
  nlohmann::ordered_json parsed;
  try {
    parsed = nlohmann::ordered_json::parse(messages_json);
  } catch (const nlohmann::json::parse_error& e) {
    fail(ErrorCode::kInvalidArgument, std::string("messages are not valid JSON: ") + e.what());
  }
  return template_->render(text::parse_chat_messages(parsed, "messages"));
}

std::string TextTokenizer::chat_template_name() const { return template_->description(); }

}  // namespace lightvl
