// UTF-8 handling and the Oniguruma -> PCRE2 regex layer, against references stated in the standards:
// the Unicode standard's U+FFFD substitution example (chapter 3, "U+FFFD Substitution of Maximal
// Subparts"), Unicode's White_Space list, and Oniguruma's documented meaning of \s, \w and \h.
#include <gtest/gtest.h>

#include "core/error.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"

namespace lightvl::text {
namespace {

std::vector<std::string> matches(const Regex& re, std::string_view text) {
  std::vector<Span> spans;
  re.find_all(text, spans);
  std::vector<std::string> out;
  for (const Span& s : spans) out.emplace_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(Utf8, MaximalSubpartsBecomeOneReplacementEach) {
  // The Unicode standard's example: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a FFFD FFFD FFFD b FFFD c
  // FFFD FFFD d (F1 80 80 and E1 80 are truncated sequences, C2 lacks its continuation).
  const std::string bad = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
  EXPECT_EQ(to_valid_utf8(bad), "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd");
  EXPECT_EQ(valid_utf8_prefix(bad), 1u);
  // Surrogates, overlongs and code points above U+10FFFF are not UTF-8.
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");  // ED A0 is not a valid prefix
}

TEST(Utf8, IncompleteSuffixIsHeldBack) {
  EXPECT_EQ(incomplete_utf8_suffix("ab"), 0u);
  EXPECT_EQ(incomplete_utf8_suffix("a\xE2\x82"), 2u);  // first two bytes of the euro sign
  EXPECT_EQ(incomplete_utf8_suffix("a\xF0"), 1u);
  EXPECT_EQ(incomplete_utf8_suffix("a\xE2\x82\xAC"), 0u);
  EXPECT_EQ(incomplete_utf8_suffix("a\xFF"), 0u);      // never valid: nothing to wait for
  EXPECT_EQ(incomplete_utf8_suffix("a\xE2\x28"), 0u);  // broken, not incomplete
}

TEST(Utf8, RequireValidNamesTheByte) {
  try {
    require_valid_utf8("abc\xFFz", "text to encode");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("byte 3 (0xFF)"), std::string::npos) << e.what();
  }
}

TEST(Unicode, NormalizationForms) {
  EXPECT_EQ(normalize_unicode("e\u0301", NormalizationForm::kNFC), "\u00e9");
  EXPECT_EQ(normalize_unicode("\u00e9", NormalizationForm::kNFD), "e\u0301");
  EXPECT_EQ(normalize_unicode("\u212b", NormalizationForm::kNFC), "\u00c5");  // Angstrom sign
  EXPECT_EQ(normalize_unicode("\ufb01", NormalizationForm::kNFC), "\ufb01");  // ligature kept by NFC
  EXPECT_EQ(normalize_unicode("\ufb01", NormalizationForm::kNFKC), "fi");
  EXPECT_EQ(normalize_unicode(std::string("a\0b", 3), NormalizationForm::kNFC), std::string("a\0b", 3));
  // Marks compose with the ASCII letter before them, after canonical reordering (dot below, ccc 220,
  // goes before dot above, ccc 230): a + U+0307 + U+0323 -> U+1EA1 U+0307; < + U+0338 -> U+226E.
  EXPECT_EQ(normalize_unicode("x<\u0338 a\u0307\u0323!", NormalizationForm::kNFC), "x\u226e \u1ea1\u0307!");
  EXPECT_EQ(normalize_unicode("\u1ea1\u0307 ok", NormalizationForm::kNFD), "a\u0323\u0307 ok");
}

TEST(Unicode, WhiteSpaceIsTheUnicodeProperty) {
  for (char32_t c : {U'\t', U'\n', U'\v', U'\f', U'\r', U' ', U'\u0085', U'\u00a0', U'\u1680', U'\u2000',
                     U'\u200a', U'\u2028', U'\u2029', U'\u202f', U'\u205f', U'\u3000'}) {
    EXPECT_TRUE(is_white_space(c)) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U'a', U'\u180e', U'\u200b', U'\ufeff', U'\u0000'}) EXPECT_FALSE(is_white_space(c));
}

TEST(Regex, OnigurumaEscapesKeepTheirMeaning) {
  EXPECT_EQ(translate_onig_pattern(R"(\s+)", "t"), R"(\p{White_Space}+)");
  EXPECT_EQ(translate_onig_pattern(R"([^\s\p{L}])", "t"), R"([^\p{White_Space}\p{L}])");
  EXPECT_EQ(translate_onig_pattern(R"(\w[\w-])", "t"), R"([\p{L}\p{M}\p{N}\p{Pc}][\p{L}\p{M}\p{N}\p{Pc}-])");
  EXPECT_EQ(translate_onig_pattern(R"(\h\u00e9[]a])", "t"), R"([0-9a-fA-F]\x{00e9}[]a])");
  EXPECT_EQ(translate_onig_pattern(R"(\\s)", "t"), R"(\\s)");  // an escaped backslash, then "s"
  EXPECT_THROW(translate_onig_pattern("[a-z&&[^aeiou]]", "t"), Error);
  EXPECT_THROW(translate_onig_pattern(R"([\W])", "t"), Error);

  // Oniguruma's \s is White_Space: U+00A0 yes, U+180E (no longer a space since Unicode 6.3) no.
  const Regex space = Regex::onig(R"(\s)", "t");
  EXPECT_EQ(matches(space, "a\u00a0b").size(), 1u);
  EXPECT_EQ(matches(space, "a\u180eb").size(), 0u);
  // \w includes marks and all numbers (Oniguruma), not only letters, digits and '_' (PCRE2's default).
  EXPECT_EQ(matches(Regex::onig(R"(\w+)", "t"), "e\u0301\u00bd_x"), std::vector<std::string>{"e\u0301\u00bd_x"});
}

TEST(Regex, LookaheadAndCaseInsensitiveGroupsBehaveAsInTokenizers) {
  // GPT-2's split: the last space of a run goes with the next word (\s+(?!\S)), as Hugging Face does.
  const Regex gpt2 = Regex::onig(R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)", "t");
  EXPECT_EQ(matches(gpt2, "Hello   world\n\n"), (std::vector<std::string>{"Hello", "  ", " world", "\n\n"}));
  // (?i:'s) folds case with Unicode rules: 'S and the long s 'ſ match (U+017F folds to s).
  const Regex contraction = Regex::onig(R"((?i:'s|'ll))", "t");
  EXPECT_EQ(matches(contraction, "it'S we'LL it'\u017f"), (std::vector<std::string>{"'S", "'LL", "'\u017f"}));
}

TEST(Regex, EmptyMatchesAdvanceOneCharacterLikeOnig) {
  // x* matches empty at every position; after an empty match the search moves one character on.
  const Regex re = Regex::onig("x*", "t");
  std::vector<Span> spans;
  re.find_all("a\u00e9xx", spans);
  std::vector<std::pair<size_t, size_t>> got;
  for (const Span& s : spans) got.emplace_back(s.begin, s.end);
  EXPECT_EQ(got, (std::vector<std::pair<size_t, size_t>>{{0, 0}, {1, 1}, {3, 5}}));
}

TEST(Regex, InvalidPatternNamesItsOrigin) {
  try {
    Regex::onig("(unclosed", "tokenizer.json: pre_tokenizer.pattern");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadModel);
    EXPECT_NE(std::string(e.what()).find("tokenizer.json: pre_tokenizer.pattern"), std::string::npos);
  }
}

}  // namespace
}  // namespace lightvl::text
