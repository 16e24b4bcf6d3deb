// The stages of tokenizer.json one by one, on hand-made configurations whose expected output is stated
// by Hugging Face's documentation and tests (SplitDelimiterBehavior, Digits, Metaspace, ByteLevel
// examples; AddedVocabulary's lstrip/rstrip/single_word cases; the Llama-2 style decoder chain).
#include <gtest/gtest.h>

#include "core/error.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/decoder.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/utf8.h"

namespace lightvl::text {
namespace {

using json = nlohmann::json;
using Words = std::vector<std::string>;

Words pre_tokenize(const json& config, std::string_view text) {
  const PreTokenizer p = PreTokenizer::from_json(JsonPath(config, "test"));
  PreTokenizeScratch scratch;
  Words words;
  p.split(text, true, [&](std::string_view w) { words.emplace_back(w); }, scratch);
  return words;
}

json split(const std::string& behavior) {
  return {{"type", "Split"}, {"pattern", {{"String", "-"}}}, {"behavior", behavior}, {"invert", false}};
}

TEST(PreTokenizer, SplitBehaviours) {
  // Hugging Face's documented example for SplitDelimiterBehavior on "the-final--countdown".
  const std::string text = "the-final--countdown";
  EXPECT_EQ(pre_tokenize(split("Removed"), text), (Words{"the", "final", "countdown"}));
  EXPECT_EQ(pre_tokenize(split("Isolated"), text), (Words{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(pre_tokenize(split("MergedWithPrevious"), text), (Words{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(pre_tokenize(split("MergedWithNext"), text), (Words{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(pre_tokenize(split("Contiguous"), text), (Words{"the", "-", "final", "--", "countdown"}));
  json inverted = {{"type", "Split"}, {"pattern", {{"Regex", "\\w+"}}}, {"behavior", "Removed"}, {"invert", true}};
  EXPECT_EQ(pre_tokenize(inverted, "ab, cd!"), (Words{"ab", "cd"}));
}

TEST(PreTokenizer, DigitsMetaspaceByteLevel) {
  EXPECT_EQ(pre_tokenize({{"type", "Digits"}, {"individual_digits", true}}, "Call 123 please"),
            (Words{"Call ", "1", "2", "3", " please"}));
  EXPECT_EQ(pre_tokenize({{"type", "Digits"}, {"individual_digits", false}}, "Call 123 please"),
            (Words{"Call ", "123", " please"}));
  const json metaspace = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "always"}, {"split", true}};
  EXPECT_EQ(pre_tokenize(metaspace, "Hey friend!"), (Words{"\u2581Hey", "\u2581friend!"}));
  const json metaspace_first = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "first"}, {"split", false}};
  EXPECT_EQ(pre_tokenize(metaspace_first, "Hey  you"), (Words{"\u2581Hey\u2581\u2581you"}));
  const json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
  EXPECT_EQ(pre_tokenize(byte_level, "Hello my friend, how is your day going?"),
            (Words{"\u0120Hello", "\u0120my", "\u0120friend", ",", "\u0120how", "\u0120is", "\u0120your", "\u0120day",
                   "\u0120going", "?"}));
  // Every byte maps to one printable character: newline -> U+010A, 0xE2 0x82 0xAC (euro) -> "â‚¬".
  EXPECT_EQ(pre_tokenize({{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}, "\n\u20ac"),
            (Words{"\u010a\u00e2\u0124\u00ac"}));
}

TEST(AddedTokens, StripAndSingleWordOptions) {
  // Hugging Face's AddedVocabulary test "test_lstrip_unicode_space", on raw text.
  AddedToken mask{"<mask>", 0, false, false, true, true, true};
  const AddedVocabulary vocab({mask}, Normalizer());
  const std::string text = "Hi <mask> there\t<mask>\t<mask>\u2000";
  std::vector<AddedVocabulary::Segment> segments;
  vocab.split(text, false, true, segments);
  std::vector<std::pair<std::string, TokenId>> got;
  for (const auto& s : segments) got.emplace_back(text.substr(s.begin, s.end - s.begin), s.id);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, TokenId>>{
                     {"Hi", -1}, {" <mask> ", 0}, {"there", -1}, {"\t<mask>\t", 0}, {"<mask>\u2000", 0}}));

  // "test_single_word_is_correct": a single_word token touching a word character is left as text.
  AddedToken single{"<mask>", 0, false, false, false, false, true};
  const AddedVocabulary words({single}, Normalizer());
  const std::string sentence = "<mask> My name <mask> A<mask> <mask>ony <mask>";
  segments.clear();
  words.split(sentence, false, true, segments);
  got.clear();
  for (const auto& s : segments) got.emplace_back(sentence.substr(s.begin, s.end - s.begin), s.id);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, TokenId>>{{"<mask>", 0},
                                                              {" My name ", -1},
                                                              {"<mask>", 0},
                                                              {" A<mask> <mask>ony ", -1},
                                                              {"<mask>", 0}}));
}

TEST(AddedTokens, SpecialTokensAsTextStillConsumeTheirMatch) {
  // With special tokens not allowed, a special match is skipped as a whole (Hugging Face iterates the
  // leftmost-longest matches and drops the special ones), so "<|a|>" does not expose the inner "|a".
  const AddedVocabulary vocab({{"<|a|>", 10, true, false}, {"|a", 11, false, false}}, Normalizer());
  std::vector<AddedVocabulary::Segment> segments;
  vocab.split("x<|a|>|a", false, false, segments);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].id, -1);
  EXPECT_EQ(segments[1].id, 11);
  EXPECT_EQ(segments[1].begin, 6u);
}

std::string decode(const json& config, const std::vector<std::string_view>& tokens) {
  return Decoder::from_json(JsonPath(config, "test")).decode(tokens);
}

TEST(Decoder, LlamaTwoStyleChain) {
  const json chain = {{"type", "Sequence"},
                      {"decoders",
                       {{{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
                        {{"type", "ByteFallback"}},
                        {{"type", "Fuse"}},
                        {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  EXPECT_EQ(decode(chain, {"\u2581Hey", "\u2581friend", "<0xE2>", "<0x82>", "<0xAC>"}), "Hey friend\u20ac");
  // A byte run that is not UTF-8 becomes one U+FFFD per byte token.
  EXPECT_EQ(decode(chain, {"\u2581a", "<0xE2>", "<0x82>", "b"}), "a\uFFFD\uFFFDb");
  const json metaspace = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "always"}};
  EXPECT_EQ(decode(metaspace, {"\u2581Hey", "\u2581friend"}), "Hey friend");
  // ByteLevel: cut characters are repaired once, over the whole text.
  EXPECT_EQ(decode({{"type", "ByteLevel"}}, {"\u00e2", "\u0124", "\u00ac!", "\u00e2"}), "\u20ac!\uFFFD");
  EXPECT_EQ(decode(nullptr, {"a", "b"}), "a b");  // no decoder: tokens joined with spaces
}

// A minimal byte-level tokenizer.json with a configurable section, for loader and end-to-end checks.
json tiny_tokenizer_json() {
  json vocab = json::object();
  for (int b = 0; b < 256; ++b) {
    std::string ch;
    append_byte_level(ch, std::string(1, static_cast<char>(b)));
    vocab[ch] = b;
  }
  vocab["ab"] = 256;
  return {{"version", "1.0"},
          {"added_tokens", {{{"id", 257}, {"content", "<s>"}, {"special", true}, {"normalized", false}}}},
          {"normalizer", nullptr},
          {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
          {"post_processor",
           {{"type", "TemplateProcessing"},
            {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
            {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {257}}, {"tokens", {"<s>"}}}}}}}},
          {"decoder", {{"type", "ByteLevel"}}},
          {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", {"a b"}}}}};
}

TEST(Tokenizer, TemplateProcessingAddsBosOnlyWhenAsked) {
  const Tokenizer tok = Tokenizer::from_json(tiny_tokenizer_json(), nullptr, "test");
  EXPECT_EQ(tok.encode("ab"), (std::vector<TokenId>{256}));
  EXPECT_EQ(tok.encode("ab", true, true), (std::vector<TokenId>{257, 256}));
  EXPECT_EQ(tok.encode("<s>ab", true), (std::vector<TokenId>{257, 256}));
  EXPECT_EQ(tok.encode("<s>", false), (std::vector<TokenId>{'<', 's', '>'}));
  EXPECT_EQ(tok.decode(std::vector<TokenId>{257, 256}, true), "ab");
}

void expect_error(const json& doc, ErrorCode code, const std::string& fragment) {
  try {
    Tokenizer::from_json(doc, nullptr, "test");
    ADD_FAILURE() << "no error for " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Tokenizer, UnsupportedComponentsAreNamedAtLoad) {
  json doc = tiny_tokenizer_json();
  doc["normalizer"] = {{"type", "Lowercase"}};
  expect_error(doc, ErrorCode::kUnsupported, "\"Lowercase\"");
  doc = tiny_tokenizer_json();
  doc["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", {{{"type", "Whitespace"}}}}};
  expect_error(doc, ErrorCode::kUnsupported, "pre_tokenizer.pretokenizers[0] has type \"Whitespace\"");
  doc = tiny_tokenizer_json();
  doc["decoder"] = {{"type", "WordPiece"}};
  expect_error(doc, ErrorCode::kUnsupported, "\"WordPiece\"");
  doc = tiny_tokenizer_json();
  doc["post_processor"] = {{"type", "RobertaProcessing"}};
  expect_error(doc, ErrorCode::kUnsupported, "\"RobertaProcessing\"");
  doc = tiny_tokenizer_json();
  doc["model"]["type"] = "Unigram";
  expect_error(doc, ErrorCode::kUnsupported, "\"Unigram\"");
  doc = tiny_tokenizer_json();
  doc["model"]["dropout"] = 0.1;
  expect_error(doc, ErrorCode::kUnsupported, "dropout");
  doc = tiny_tokenizer_json();
  doc["model"]["merges"] = {"a zz"};
  expect_error(doc, ErrorCode::kBadModel, "model.merges[0]");
}

TEST(Tokenizer, BadInputIsAnErrorNotACrash) {
  const Tokenizer tok = Tokenizer::from_json(tiny_tokenizer_json(), nullptr, "test");
  EXPECT_THROW(tok.encode("ok\xC3("), Error);
  EXPECT_EQ(tok.encode(to_valid_utf8("ok\xC3(")), tok.encode("ok\uFFFD("));
  EXPECT_THROW(tok.decode(std::vector<TokenId>{5, 9999}), Error);
  EXPECT_THROW(tok.decode(std::vector<TokenId>{-1}), Error);
  EXPECT_THROW(Tokenizer::from_directory("/nonexistent/model"), Error);
}

}  // namespace
}  // namespace lightvl::text
