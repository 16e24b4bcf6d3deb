// The messages of a conversation, as chat templates see them: an OpenAI / transformers-style list of
// {"role", "content", "name"} objects whose content is a string or a list of text and image parts.
// Plain value types; parsing validates the structure and names the offending message.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lightvl::text {

struct ContentPart {
  enum class Type { kText, kImage };
  Type type = Type::kText;
  std::string text;   // kText: the text
  std::string image;  // kImage: where the image comes from ("image", "url" or "path" field), may be ""
};

struct ChatMessage {
  std::string role;                  // "system", "user", "assistant", or "function" (a tool's result)
  std::vector<ContentPart> content;  // a plain-string content is stored as one text part
  std::string name;                  // role "function": the function's name
};

// Parses a JSON array of messages. `content` may be a string, null (no parts) or an array of parts
// {"type": "text", "text": ...} / {"type": "image", ...}. Throws Error(kInvalidArgument) naming `where`
// and the message index for anything else. Roles are checked later, by the template that renders them.
std::vector<ChatMessage> parse_chat_messages(const nlohmann::ordered_json& messages, const std::string& where);

}  // namespace lightvl::text
