// A 100 MB input must not exhaust memory (label "slow"): the pre-tokenizer streams words instead of
// materialising them, so memory stays near the size of the input plus the ids. The reference for the
// content is the round trip decode(encode(x)) == x (the tiny tokenizer has no normalizer).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include "test_support.h"
#include "tokenizer/tokenizer.h"

namespace lightvl::test {
namespace {

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

TEST(LargeInput, HundredMegabytesEncodeAndDecode) {
  const text::Tokenizer tok = text::Tokenizer::from_directory(source_dir() / "assets" / "tiny-minimax-text-01");
  std::string sample;
  for (const auto& file : corpus_files(true)) {
    if (file != "special_tokens.txt") sample += read_file(corpus_dir() / file);
  }
  std::string text;
  text.reserve(100u << 20);
  while (text.size() + sample.size() <= (100u << 20)) text += sample;
  const double before_mb = peak_rss_mb();

  const std::vector<text::TokenId> ids = tok.encode(text);
  const double input_mb = static_cast<double>(text.size()) / (1 << 20);
  const double ids_mb = static_cast<double>(ids.size() * sizeof(text::TokenId)) / (1 << 20);
  const double growth_mb = peak_rss_mb() - before_mb;
  std::printf("%.0f MB of text -> %zu ids (%.0f MB); peak memory grew by %.0f MB\n", input_mb, ids.size(), ids_mb,
              growth_mb);
  // The id vector may have been reallocated once while growing (2x ids), plus the BPE word cache.
  EXPECT_LT(growth_mb, 2.5 * ids_mb + 64.0);
  EXPECT_TRUE(tok.decode(ids) == text) << "round trip of the 100 MB text failed";
}

TEST(LargeInput, VeryLongSingleWords) {
  const text::Tokenizer tok = text::Tokenizer::from_directory(source_dir() / "assets" / "tiny-minimax-text-01");
  for (const std::string unit : {"a", "AbCd", "!", " ", "\u00e9", "7"}) {
    std::string word;
    while (word.size() < (4u << 20)) word += unit;
    const auto ids = tok.encode(word);
    EXPECT_TRUE(tok.decode(ids) == word) << "unit \"" << unit << "\"";
  }
}

}  // namespace
}  // namespace lightvl::test
