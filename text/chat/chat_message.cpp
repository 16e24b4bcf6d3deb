// Validation of transformers-style message lists: structural problems are reported with the index of
// the message, so a user can find the mistake in a long conversation file.
#include "chat/chat_message.h"

#include "core/error.h"

namespace lightvl::text {
namespace {

[[noreturn]] void bad(const std::string& where, size_t index, const std::string& what) {
  fail(ErrorCode::kInvalidArgument, where + ": message " + std::to_string(index) + " " + what);
}

ContentPart parse_part(const nlohmann::ordered_json& part, const std::string& where, size_t index) {
  if (!part.is_object() || !part.contains("type") || !part["type"].is_string()) {
    bad(where, index, "has a content part that is not an object with a \"type\": " + part.dump());
  }
  const std::string type = part["type"].get<std::string>();
  ContentPart out;
  if (type == "text") {
    if (!part.contains("text") || !part["text"].is_string()) bad(where, index, "has a text part without a \"text\" string");
    out.text = part["text"].get<std::string>();
    return out;
  }
  if (type == "image") {
    out.type = ContentPart::Type::kImage;
    for (const char* key : {"image", "url", "path"}) {
      if (part.contains(key) && part[key].is_string()) {
        out.image = part[key].get<std::string>();
        break;
      }
    }
    return out;
  }
  bad(where, index, "has a content part of type \"" + type + "\"; expected \"text\" or \"image\"");
}

}  // namespace

std::vector<ChatMessage> parse_chat_messages(const nlohmann::ordered_json& messages, const std::string& where) {
  if (!messages.is_array()) fail(ErrorCode::kInvalidArgument, where + ": expected a JSON array of messages");
  std::vector<ChatMessage> out;
  for (size_t i = 0; i < messages.size(); ++i) {
    const nlohmann::ordered_json& m = messages[i];
    if (!m.is_object()) bad(where, i, "is not a JSON object");
    if (!m.contains("role") || !m["role"].is_string()) bad(where, i, "has no \"role\" string");
    ChatMessage message;
    message.role = m["role"].get<std::string>();
    if (m.contains("name") && m["name"].is_string()) message.name = m["name"].get<std::string>();
    if (m.contains("content")) {
      const nlohmann::ordered_json& content = m["content"];
      if (content.is_string()) {
        message.content.push_back({ContentPart::Type::kText, content.get<std::string>(), {}});
      } else if (content.is_array()) {
        for (const auto& part : content) message.content.push_back(parse_part(part, where, i));
      } else if (!content.is_null()) {
        bad(where, i, "has a \"content\" that is neither a string nor a list of parts");
      }
    }
    out.push_back(std::move(message));
  }
  return out;
}

}  // namespace lightvl::text
