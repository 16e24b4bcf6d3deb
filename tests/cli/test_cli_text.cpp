// `lightvl tokenize / detokenize / template / run` on the tiny checkpoint: ids equal the Python
// `tokenizers` golden (tests/reference/make_tiny_tokenizer.py), the template prompt equals transformers'
// apply_chat_template, run --json is deterministic under --greedy, and bad requests exit non-zero.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "cli_runner.h"

namespace lightvl::test {
namespace {

const std::string kSource = LIGHTVL_SOURCE_DIR;
const std::string kModel = kSource + "/assets/tiny-minimax-text-01";

TEST(CliText, TokenizeRoundTrip) {
  const std::string dir = make_temp_dir("tok");
  const std::string text = "Lightning attention keeps a constant-size state: 1M tokens fit. Ünïcode ✓";
  std::ofstream(dir + "/in.txt") << text;
  CliResult r = run_cli("tokenize --model '" + kModel + "' --text-file '" + dir + "/in.txt'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<int> ids = nlohmann::json::parse(r.output).get<std::vector<int>>();
  std::string list;
  for (size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + std::to_string(ids[i]);
  r = run_cli("detokenize --model '" + kModel + "' --ids " + list);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, text + "\n");
  std::filesystem::remove_all(dir);
}

TEST(CliText, SpecialTokensOnlyWhenAsked) {
  CliResult with = run_cli("tokenize --model '" + kModel + "' --text '<end_of_sentence>'");
  CliResult without = run_cli("tokenize --model '" + kModel + "' --text '<end_of_sentence>' --no-special");
  ASSERT_EQ(with.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(with.output), nlohmann::json::array({508}));
  EXPECT_GT(nlohmann::json::parse(without.output).size(), 1u);
}

TEST(CliText, TemplateRendersTheMiniMaxFormat) {
  const std::string dir = make_temp_dir("tpl");
  std::ofstream(dir + "/m.json") << R"([{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}])";
  const CliResult r = run_cli("template --model '" + kModel + "' --messages '" + dir + "/m.json'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output,
            "<beginning_of_sentence>system ai_setting=assistant\nBe brief.<end_of_sentence>\n"
            "<beginning_of_sentence>user name=user\nHi<end_of_sentence>\n"
            "<beginning_of_sentence>ai name=assistant\n");
  std::filesystem::remove_all(dir);
}

TEST(CliText, RunJsonIsDeterministicWhenGreedy) {
  const std::string cmd = "run --model '" + kModel + "' --prompt 'Hello' --greedy --max-tokens 6 --json";
  const CliResult a = run_cli(cmd), b = run_cli(cmd);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  const nlohmann::json ja = nlohmann::json::parse(a.output), jb = nlohmann::json::parse(b.output);
  EXPECT_EQ(ja["ids"], jb["ids"]);
  // The prompt is the chat template's rendering of one user turn, tokenised with specials.
  const std::string prompt =
      "<beginning_of_sentence>user name=user\nHello<end_of_sentence>\n<beginning_of_sentence>ai name=assistant\n";
  const std::string dir = make_temp_dir("run");
  std::ofstream(dir + "/prompt.txt") << prompt;
  const CliResult t = run_cli("tokenize --model '" + kModel + "' --text-file '" + dir + "/prompt.txt'");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(t.exit_code, 0) << t.output;
  EXPECT_EQ(ja["stats"]["prompt_tokens"].get<size_t>(), nlohmann::json::parse(t.output).size());
}

TEST(CliText, WeightsOption) {
  const CliResult run = run_cli("run --model '" + kModel + "' --prompt 'Hello' --greedy --max-tokens 3 --json --weights int8");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const CliResult info = run_cli("info --model '" + kModel + "' --weights int8");
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("weights (int8)"), std::string::npos) << info.output;
  const CliResult bad = run_cli("run --model '" + kModel + "' --prompt hi --weights int4");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;  // a usage error that names the option and the choices
  EXPECT_NE(bad.output.find("--weights"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("int8"), std::string::npos) << bad.output;
}

TEST(CliText, BadRunRequests) {
  EXPECT_EQ(run_cli("run --model '" + kModel + "'").exit_code, 2);
  const CliResult r = run_cli("run --model '" + kModel + "' --prompt hi --image /nonexistent.png");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("vision"), std::string::npos) << r.output;
  EXPECT_NE(run_cli("run --model '" + kModel + "' --prompt hi --temperature 0").exit_code, 0);
  EXPECT_NE(run_cli("run --model '" + kModel + "' --prompt hi --document /nonexistent.pdf").exit_code, 0);
}

}  // namespace
}  // namespace lightvl::test

namespace lightvl::test {
namespace {

// The REPL driven through stdin: two turns, an attachment command, /stats, /reset and /quit.
TEST(CliChat, ScriptedSession) {
  const std::string dir = make_temp_dir("chat");
  std::ofstream(dir + "/in.txt") << "Hello\n/doc " << kSource << "/tests/fixtures/documents/notes.md\n"
                                 << "What does it say?\n/stats\n/image /nonexistent.png\nLook\n/reset\nBye\n/quit\n";
  const CliResult r = run_cli("chat --model '" + kModel + "' --greedy --max-tokens 4 < '" + dir + "/in.txt'");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("[document queued]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("prompt tokens"), std::string::npos) << r.output;   // /stats
  EXPECT_NE(r.output.find("[new conversation]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("vision"), std::string::npos) << r.output;  // the image on a text model: an error line
}

}  // namespace
}  // namespace lightvl::test
