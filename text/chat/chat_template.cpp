// Native renderers of the MiniMax chat formats. Each mirrors its Jinja source in templates/ statement by
// statement (same order of headers, parts and tool blocks), so the two can be compared line by line; the
// tests prove them equal on generated conversations.
#include "chat/chat_template.h"

#include "chat/builtin_templates.h"
#include "chat/python_json.h"
#include "core/error.h"
#include "core/logging.h"

namespace lightvl::text {
namespace {

constexpr std::string_view kEnd = "<end_of_sentence>\n";
constexpr std::string_view kSystemHeader = "<beginning_of_sentence>system ai_setting=assistant\n";
constexpr std::string_view kUserHeader = "<beginning_of_sentence>user name=user\n";
constexpr std::string_view kAssistantHeader = "<beginning_of_sentence>ai name=assistant\n";
constexpr std::string_view kFunctionHeader = "<beginning_of_sentence>system function_response=functions\n";
constexpr std::string_view kToolsHeader = "<beginning_of_sentence>system function_setting=functions\n";

[[noreturn]] void bad_message(size_t index, const std::string& what) {
  fail(ErrorCode::kInvalidArgument, "chat message " + std::to_string(index) + " " + what);
}

std::string_view role_header(const ChatMessage& m, size_t index, std::string_view format) {
  if (m.role == "system") return kSystemHeader;
  if (m.role == "user") return kUserHeader;
  if (m.role == "assistant") return kAssistantHeader;
  bad_message(index, "has role \"" + m.role + "\"; the " + std::string(format) +
                         " format knows system, user, assistant and function");
}

// The text the MiniMax templates take from a message: its first part, which must be text.
const std::string& first_text(const ChatMessage& m, size_t index, std::string_view format) {
  if (m.content.empty() || m.content.front().type != ContentPart::Type::kText) {
    bad_message(index, "(role " + m.role + ") must start with a text part in the " + std::string(format) + " format");
  }
  return m.content.front().text;
}

void append_function_result(std::string& out, const ChatMessage& m, size_t index, std::string_view format) {
  if (m.name.empty()) bad_message(index, "(role function) needs the function's \"name\"");
  out += kFunctionHeader;
  out += "{\"name\": \"";
  out += m.name;
  out += "\", \"response\": ";
  out += first_text(m, index, format);
  out += '}';
  out += kEnd;
}

void append_tools(std::string& out, const nlohmann::ordered_json& tools) {
  if (tools.is_null()) return;
  for (const auto& tool : tools) {
    out += kToolsHeader;
    append_python_json(out, tool);
    out += kEnd;
  }
}

std::string render_vl(const std::vector<ChatMessage>& messages, const ChatRenderOptions& options) {
  std::string out;
  for (size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& m = messages[i];
    if (m.role == "function") {
      append_function_result(out, m, i, "MiniMax-VL-01");
      continue;
    }
    out += role_header(m, i, "MiniMax-VL-01");
    for (const ContentPart& part : m.content) out += part.type == ContentPart::Type::kImage ? "<image>" : part.text;
    out += kEnd;
  }
  append_tools(out, options.tools);
  out += kAssistantHeader;  // unconditional in MiniMax-VL-01's chat_template.json
  return out;
}

std::string render_text01(const std::vector<ChatMessage>& messages, const ChatRenderOptions& options) {
  std::string out;
  for (size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& m = messages[i];
    if (m.role == "function") {
      append_function_result(out, m, i, "MiniMax-Text-01");
      continue;
    }
    out += role_header(m, i, "MiniMax-Text-01");
    out += first_text(m, i, "MiniMax-Text-01");
    out += kEnd;
  }
  append_tools(out, options.tools);
  if (options.add_generation_prompt) out += kAssistantHeader;
  return out;
}

std::string render_plain(const std::vector<ChatMessage>& messages, const ChatRenderOptions& options) {
  std::string out;
  for (const ChatMessage& m : messages) {
    out += m.role == "function" ? "function " + m.name : m.role;
    out += ": ";
    for (const ContentPart& part : m.content) out += part.type == ContentPart::Type::kImage ? "<image>" : part.text;
    out += '\n';
  }
  if (options.tools.is_array() && !options.tools.empty()) {
    out += "tools: ";
    append_python_json(out, options.tools);
    out += '\n';
  }
  if (options.add_generation_prompt) out += "assistant: ";
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

ChatRequest parse_chat_request(const nlohmann::ordered_json& document, const std::string& where) {
  ChatRequest request;
  if (document.is_array()) {
    request.messages = parse_chat_messages(document, where);
    return request;
  }
  if (!document.is_object() || !document.contains("messages")) {
    fail(ErrorCode::kInvalidArgument, where + ": expected a JSON array of messages or an object with \"messages\"");
  }
  request.messages = parse_chat_messages(document["messages"], where + ": messages");
  if (document.contains("tools")) request.options.tools = document["tools"];
  if (document.contains("add_generation_prompt")) {
    if (!document["add_generation_prompt"].is_boolean()) {
      fail(ErrorCode::kInvalidArgument, where + ": \"add_generation_prompt\" must be true or false");
    }
    request.options.add_generation_prompt = document["add_generation_prompt"].get<bool>();
  }
  return request;
}

// Recognition by content, not by exact text: MiniMax's own templates differ from lightvl's sources in
// whitespace and structure, but all carry the same role headers, and only the VL one handles <image>.
ChatTemplate ChatTemplate::from_source(std::string_view source) {
  const bool minimax = contains(source, "<beginning_of_sentence>") && contains(source, "user name=user") &&
                       contains(source, "ai name=assistant");
  const bool m1 = contains(source, "<begin_of_document>") || contains(source, "tool_setting");
  if (minimax && !m1) return of_format(contains(source, "<image>") ? ChatFormat::kMiniMaxVL01 : ChatFormat::kMiniMaxText01);

  std::string why;
  if (source.empty()) {
    why = "the checkpoint has no chat template";
  } else if (minimax) {
    why = "the checkpoint's chat template is a MiniMax-M1 variant (<begin_of_document>/tool_setting), which lightvl "
          "does not implement";
  } else {
    why = "lightvl does not know the checkpoint's chat template (it renders MiniMax-VL-01 and MiniMax-Text-01 only)";
  }
  ChatTemplate t(ChatFormat::kPlain, why + "; using lightvl's plain \"role: text\" format instead");
  log_warning(t.description_);
  return t;
}

ChatTemplate ChatTemplate::of_format(ChatFormat format) {
  switch (format) {
    case ChatFormat::kMiniMaxVL01: return ChatTemplate(format, "MiniMax-VL-01");
    case ChatFormat::kMiniMaxText01: return ChatTemplate(format, "MiniMax-Text-01");
    case ChatFormat::kPlain: break;
  }
  return ChatTemplate(ChatFormat::kPlain, "lightvl's plain \"role: text\" format");
}

std::string ChatTemplate::render(const std::vector<ChatMessage>& messages, const ChatRenderOptions& options) const {
  if (!options.tools.is_null() && !options.tools.is_array()) {
    fail(ErrorCode::kInvalidArgument, "chat tools must be a JSON array of tool descriptions, not " + options.tools.dump());
  }
  switch (format_) {
    case ChatFormat::kMiniMaxVL01: return render_vl(messages, options);
    case ChatFormat::kMiniMaxText01: return render_text01(messages, options);
    case ChatFormat::kPlain: break;
  }
  return render_plain(messages, options);
}

std::string_view ChatTemplate::minimax_vl01_source() { return builtin_templates::kMiniMaxVL01; }
std::string_view ChatTemplate::minimax_text01_source() { return builtin_templates::kMiniMaxText01; }

}  // namespace lightvl::text
