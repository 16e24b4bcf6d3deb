// Chat templates rendered natively: a conversation (messages, optional tools) becomes the prompt text the
// model was trained on. lightvl does not interpret Jinja; it recognises the template a checkpoint ships
// and renders that format in C++. Tests prove the C++ rendering equal to a real Jinja renderer on
// lightvl's template sources (templates/*.jinja, also written into the test checkpoint).
//
// Formats (spec section 8):
//   MiniMax-VL-01   each message is a role header, its parts in order (an image part is the literal
//                   "<image>", text parts are their text, no separator), then "<end_of_sentence>\n";
//                   tool descriptions follow the messages; "<beginning_of_sentence>ai name=assistant\n" is
//                   ALWAYS appended, whatever add_generation_prompt says.
//   MiniMax-Text-01 the same headers; a message's text is its content string, or its first part's text;
//                   the assistant header is appended only when add_generation_prompt is true.
//   Role headers:   system    "<beginning_of_sentence>system ai_setting=assistant\n"
//                   user      "<beginning_of_sentence>user name=user\n"
//                   assistant "<beginning_of_sentence>ai name=assistant\n"
//                   function  "<beginning_of_sentence>system function_response=functions\n" followed by
//                             {"name": "<name>", "response": <its text, inserted as is>}
//   Tools:          one "<beginning_of_sentence>system function_setting=functions\n" + tojson(tool) +
//                   "<end_of_sentence>\n" block per tool, after the messages.
//   Plain fallback  for a template lightvl does not know (told by format() / description() and a warning
//                   at detection): "<role>: <text, image parts as <image>>\n" per message ("function
//                   <name>: <text>\n" for tool results), "tools: <JSON array>\n" when tools are given, and
//                   "assistant: " when add_generation_prompt is true.
//
// Immutable after construction; render() is const and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/chat_message.h"

namespace lightvl::text {

enum class ChatFormat { kMiniMaxVL01, kMiniMaxText01, kPlain };

struct ChatRenderOptions {
  // Append the assistant header so the model answers next (the VL format appends it regardless).
  bool add_generation_prompt = true;
  // Tool (function) descriptions, a JSON array rendered with tojson one by one; null or [] for none.
  nlohmann::ordered_json tools = nullptr;
};

// What `lightvl template --messages F.json` reads: either a bare JSON array of messages, or an object
// {"messages": [...], "tools": [...], "add_generation_prompt": bool} (tools and the flag optional; the
// flag defaults to true).
struct ChatRequest {
  std::vector<ChatMessage> messages;
  ChatRenderOptions options;
};

// Parses a chat request document. Throws Error(kInvalidArgument) naming `where` when it has another shape.
ChatRequest parse_chat_request(const nlohmann::ordered_json& document, const std::string& where);

class ChatTemplate {
 public:
  // Recognises the format of a checkpoint's Jinja template source (tokenizer_config.json chat_template).
  // MiniMax templates are told by their role headers: with "<image>" handling it is MiniMax-VL-01,
  // without it MiniMax-Text-01; a MiniMax-M1 template (<begin_of_document>, tool_setting) and anything
  // else is unknown and falls back to the plain format with a logged warning. Never throws.
  static ChatTemplate from_source(std::string_view source);

  // A template of a known format, regardless of any checkpoint.
  static ChatTemplate of_format(ChatFormat format);

  ChatFormat format() const { return format_; }
  bool is_known() const { return format_ != ChatFormat::kPlain; }
  // "MiniMax-VL-01", "MiniMax-Text-01", or a sentence saying the template is unknown and what is used.
  const std::string& description() const { return description_; }

  // Renders the prompt. Throws Error(kInvalidArgument) for input the format cannot express: an unknown
  // role, a function result without a name or text, an image part in the Text-01 format (whose first
  // part must be text), or tools that are not a JSON array.
  std::string render(const std::vector<ChatMessage>& messages, const ChatRenderOptions& options = {}) const;

  // lightvl's Jinja sources of the two MiniMax formats (text/chat/templates/*.jinja).
  static std::string_view minimax_vl01_source();
  static std::string_view minimax_text01_source();

 private:
  ChatTemplate(ChatFormat format, std::string description)
      : format_(format), description_(std::move(description)) {}

  ChatFormat format_;
  std::string description_;
};

}  // namespace lightvl::text
