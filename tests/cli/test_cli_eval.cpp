// lightvl eval: the C++ scorers against the Python reference scorers (tests/cli/data/eval_scoring_cases.jsonl,
// made by tests/reference/make_eval_scoring_fixture.py from demo_data.py), the command end to end on a
// 10-record set (tests/cli/data/eval_small, demo_data.dump) with the random tiny VL checkpoint (the answers
// are noise; the plumbing is what is checked: counts, predictions file, agreement, filters), and bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli_runner.h"
#include "eval_records.h"
#include "eval_report.h"
#include "eval_scoring.h"

namespace lightvl::test {
namespace {

const std::string kSource = LIGHTVL_SOURCE_DIR;
const std::string kModel = kSource + "/assets/tiny-minimax-vl-01";
const std::string kSmall = kSource + "/tests/cli/data/eval_small";
const std::string kData = kSmall + "/examples.jsonl";

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << "\n";
}

// `lightvl eval` on the small set with `flags`; the report parsed from --json.
nlohmann::json eval_json(const std::string& flags) {
  const CliResult r =
      run_cli("eval --model '" + kModel + "' --data '" + kData + "' --threads 2 --max-new-tokens 8 --json " + flags);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0) return nlohmann::json::object();
  return nlohmann::json::parse(r.output);
}

// ---- scorer parity with demo_data.py ----------------------------------------------------------------

TEST(EvalScoring, EveryCaseScoresAsTheReference) {
  const std::vector<nlohmann::json> cases = read_jsonl(kSource + "/tests/cli/data/eval_scoring_cases.jsonl");
  ASSERT_GE(cases.size(), 300u);
  std::map<std::string, int> by_task;
  int score_mismatches = 0, normalise_mismatches = 0;
  for (const nlohmann::json& c : cases) {
    const std::string task = c["task"], prediction = c["prediction"];
    const cli::Truth truth = cli::truth_from_json(task, c["truth"]);
    const cli::Score want{c["score"][0].get<int64_t>(), c["score"][1].get<int64_t>()};
    const cli::Score got = cli::score_prediction(task, prediction, truth);
    ++by_task[task];
    if (!(got == want)) {
      ++score_mismatches;
      ADD_FAILURE() << c["id"] << " (" << c["variant"] << ", " << task << ") '" << prediction << "': C++ "
                    << got.correct << "/" << got.total << ", Python " << want.correct << "/" << want.total;
    }
    if (cli::normalise(prediction) != c["normalised"].get<std::string>()) {
      ++normalise_mismatches;
      ADD_FAILURE() << c["id"] << " normalise('" << prediction << "'): C++ '" << cli::normalise(prediction)
                    << "', Python '" << c["normalised"].get<std::string>() << "'";
    }
  }
  std::printf(
      "[ figure ] %zu scorer cases (caption %d, vqa %d, count %d, read %d, doc %d): %d score and %d "
      "normalise mismatches with demo_data.py\n",
      cases.size(), by_task["caption"], by_task["vqa"], by_task["count"], by_task["read"], by_task["doc"],
      score_mismatches, normalise_mismatches);
  for (std::string_view task : cli::kEvalTasks) EXPECT_GT(by_task[std::string(task)], 0) << task;
}

TEST(EvalScoring, DepthThirds) {
  EXPECT_EQ(cli::depth_third(0.0), 0);
  EXPECT_EQ(cli::depth_third(0.33), 0);
  EXPECT_EQ(cli::depth_third(0.34), 1);
  EXPECT_EQ(cli::depth_third(0.66), 1);
  EXPECT_EQ(cli::depth_third(0.67), 2);
  EXPECT_EQ(cli::depth_third(1.0), 2);
}

// ---- end to end --------------------------------------------------------------------------------------

TEST(CliEval, ReportCountsEveryTaskAndBucket) {
  const std::string dir = make_temp_dir("eval");
  const std::string predictions = dir + "/predictions.jsonl";
  const nlohmann::json report = eval_json("--predictions '" + predictions + "'");
  const std::vector<nlohmann::json> records = read_jsonl(kData);
  ASSERT_EQ(records.size(), 10u);
  std::map<std::string, int64_t> examples, answers;
  for (const nlohmann::json& r : records) ++examples[r["task"].get<std::string>()];
  EXPECT_EQ(report["examples"], 10);
  EXPECT_EQ(report["interrupted"], false);
  for (const auto& [task, n] : examples) {
    const nlohmann::json& t = report["tasks"][task];
    EXPECT_EQ(t["examples"], n) << task;
    if (task != "caption") {
      EXPECT_EQ(t["total"], n) << task;  // one judgement per answer
    }
    EXPECT_LE(t["correct"].get<int64_t>(), t["total"].get<int64_t>()) << task;
  }
  EXPECT_EQ(report["tasks"].size(), examples.size());
  ASSERT_EQ(report["buckets"].size(), 1u);
  const nlohmann::json& bucket = report["buckets"][0];
  EXPECT_EQ(bucket["bucket"], "dump");
  EXPECT_EQ(bucket["examples"], examples["doc"]);
  EXPECT_GT(bucket["mean_prompt_tokens"].get<double>(), 100.0);  // a 400-word document
  EXPECT_EQ(bucket["by_depth"].size(), 3u);
  EXPECT_GT(report["seconds_per_example"].get<double>(), 0.0);

  const std::vector<nlohmann::json> lines = read_jsonl(predictions);
  ASSERT_EQ(lines.size(), records.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["id"], records[i]["id"]);
    EXPECT_EQ(lines[i]["task"], records[i]["task"]);
    EXPECT_EQ(lines[i]["bucket"], records[i]["bucket"]);
    EXPECT_TRUE(lines[i]["prediction"].is_string());
    EXPECT_EQ(lines[i]["score"].size(), 2u);
    EXPECT_GT(lines[i]["prompt_tokens"].get<int64_t>(), 0);
    EXPECT_GE(lines[i]["seconds"].get<double>(), 0.0);
  }
  std::filesystem::remove_all(dir);
}

TEST(CliEval, AgreementWithAReference) {
  const std::string dir = make_temp_dir("eval-ref");
  const std::string ours = dir + "/ours.jsonl";
  eval_json("--predictions '" + ours + "'");
  std::vector<nlohmann::json> lines = read_jsonl(ours);
  ASSERT_EQ(lines.size(), 10u);

  // Our own predictions: greedy decoding is deterministic, so every answer agrees.
  const nlohmann::json same = eval_json("--reference '" + ours + "'");
  EXPECT_EQ(same["agreement"]["compared"], 10);
  EXPECT_EQ(same["agreement"]["agreeing"], 10);
  EXPECT_EQ(same["agreement"]["fraction"], 1.0);
  EXPECT_TRUE(same["agreement"]["disagreeing_ids"].empty());

  // One altered prediction and one missing: 8 of 9 agree, and the report names the altered one.
  std::vector<std::string> altered;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (i == 3) lines[i]["prediction"] = lines[i]["prediction"].get<std::string>() + " and something else";
    altered.push_back(nlohmann::json{{"id", lines[i]["id"]}, {"prediction", lines[i]["prediction"]}}.dump());
  }
  write_lines(dir + "/altered.jsonl", altered);
  const nlohmann::json differ = eval_json("--reference '" + dir + "/altered.jsonl'");
  EXPECT_EQ(differ["agreement"]["compared"], 9);
  EXPECT_EQ(differ["agreement"]["agreeing"], 8);
  EXPECT_EQ(differ["agreement"]["missing_from_reference"], 1);
  EXPECT_EQ(differ["agreement"]["disagreeing_ids"], nlohmann::json::array({lines[3]["id"]}));

  // The table says the same.
  const CliResult table = run_cli("eval --model '" + kModel + "' --data '" + kData +
                                  "' --threads 2 --max-new-tokens 8 "
                                  "--reference '" +
                                  dir + "/altered.jsonl'");
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("8 of 9 predictions identical"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("disagreeing: " + lines[3]["id"].get<std::string>()), std::string::npos) << table.output;
  std::filesystem::remove_all(dir);
}

TEST(CliEval, LimitTasksAndBucketsFilter) {
  const nlohmann::json limited = eval_json("--limit 3");
  EXPECT_EQ(limited["examples"], 3);
  const nlohmann::json some = eval_json("--tasks doc,read");
  EXPECT_EQ(some["examples"], 3);
  EXPECT_EQ(some["tasks"].size(), 2u);
  EXPECT_EQ(some["tasks"]["doc"]["examples"], 2);
  EXPECT_EQ(some["tasks"]["read"]["examples"], 1);
  const nlohmann::json documents = eval_json("--tasks doc --buckets dump");
  EXPECT_EQ(documents["examples"], 2);
  EXPECT_EQ(documents["tasks"].size(), 1u);
  // --buckets filters documents only: the scenes (no bucket) stay.
  EXPECT_EQ(eval_json("--buckets dump")["examples"], 10);
}

// ---- the bundled demo model against transformers ------------------------------------------------------

// The bundled demo model answers the CI slice of its held-out evaluation (60 scene questions, 10 questions
// about ~2k-token documents; tests/reference/make_demo_eval_slice.py) exactly as transformers' MiniMax-VL-01
// implementation does on the same weights: the bar is 99% agreement; on 70 records that is all of them.
TEST(CliEval, DemoModelAnswersLikeTransformers) {
  const std::string slice = kSource + "/tests/cli/data/demo_eval";
  const CliResult r = run_cli("eval --model '" + kSource + "/assets/lightvl-demo-vl' --data '" + slice +
                              "/examples.jsonl' --reference '" + slice + "/transformers_predictions.jsonl' --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const nlohmann::json report = nlohmann::json::parse(r.output);
  const nlohmann::json& agreement = report["agreement"];
  EXPECT_EQ(agreement["compared"], 70);
  EXPECT_GE(agreement["fraction"].get<double>(), 0.99) << agreement.dump(1);
}

// The same slice with the text model's projections quantised to int8 at load time: the answers stay those
// of transformers' full-precision model (measured: 70 of 70 on the CPU; the bound leaves room for three
// answers to flip, as int8 may on another BLAS), and the report names the format.
TEST(CliEval, DemoModelWithInt8WeightsStillAnswersLikeTransformers) {
  const std::string slice = kSource + "/tests/cli/data/demo_eval";
  const CliResult r = run_cli("eval --model '" + kSource + "/assets/lightvl-demo-vl' --data '" + slice +
                              "/examples.jsonl' --reference '" + slice +
                              "/transformers_predictions.jsonl' --weights int8 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const nlohmann::json report = nlohmann::json::parse(r.output);
  EXPECT_EQ(report["weights"], "int8");
  const nlohmann::json& agreement = report["agreement"];
  EXPECT_EQ(agreement["compared"], 70);
  EXPECT_GE(agreement["fraction"].get<double>(), 0.95) << agreement.dump(1);
}

// The README's main job (scripts/demo.sh): the bundled demo model asked about the bundled sample picture.
// demo_data.py --sample-picture draws that picture from a fixed scene; the expected answers are the scene's
// truth (demo_data.caption(sample_scene()) and its facts), not a recorded output of lightvl.
TEST(CliEval, DemoModelAnswersAboutTheSamplePicture) {
  const std::vector<std::pair<std::string, std::string>> questions = {
      {"Describe the image.",
       "A small purple star at the top, a large red circle on the left and a large yellow square in the bottom "
       "right."},
      {"How many shapes are there?", "3."},
      {"Where is the square?", "In the bottom right."},
      {"What colour is the star?", "Purple."}};
  for (const auto& [prompt, truth] : questions) {
    const CliResult r = run_cli("run --model '" + kSource + "/assets/lightvl-demo-vl' --image '" + kSource +
                                "/assets/sample-scene.png' --prompt '" + prompt + "' --greedy --json 2>/dev/null");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(nlohmann::json::parse(r.output)["text"], truth) << prompt;
  }
}

// ---- bad input --------------------------------------------------------------------------------------

// The first record of the small set, with its image path made absolute (so the line works anywhere).
nlohmann::json first_record() {
  nlohmann::json r = read_jsonl(kData)[0];
  r["image"] = kSmall + "/" + r["image"].get<std::string>();
  return r;
}

CliResult eval_file(const std::string& data, const std::string& flags = "") {
  return run_cli("eval --model '" + kModel + "' --data '" + data + "' " + flags);
}

TEST(CliEval, MalformedLineNamesTheLine) {
  const std::string dir = make_temp_dir("eval-bad");
  write_lines(dir + "/bad.jsonl", {first_record().dump(), "", "{\"id\": \"x\", \"task\": "});
  const CliResult r = eval_file(dir + "/bad.jsonl");
  EXPECT_FALSE(r.crashed);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("bad.jsonl line 3: not valid JSON"), std::string::npos) << r.output;
  std::filesystem::remove_all(dir);
}

TEST(CliEval, MissingFieldAndDuplicateIdAreErrors) {
  const std::string dir = make_temp_dir("eval-field");
  nlohmann::json no_prompt = first_record();
  no_prompt.erase("prompt");
  write_lines(dir + "/a.jsonl", {no_prompt.dump()});
  CliResult r = eval_file(dir + "/a.jsonl");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("a.jsonl line 1: missing field \"prompt\""), std::string::npos) << r.output;

  write_lines(dir + "/b.jsonl", {first_record().dump(), first_record().dump()});
  r = eval_file(dir + "/b.jsonl");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("b.jsonl line 2: id"), std::string::npos) << r.output;
  std::filesystem::remove_all(dir);
}

TEST(CliEval, MissingImageAndDataFilesAreErrors) {
  const std::string dir = make_temp_dir("eval-img");
  nlohmann::json record = first_record();
  record["image"] = "images/nowhere.png";
  write_lines(dir + "/c.jsonl", {record.dump()});
  CliResult r = eval_file(dir + "/c.jsonl");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("c.jsonl line 1: image '" + dir + "/images/nowhere.png' does not exist"), std::string::npos)
      << r.output;

  r = eval_file(dir + "/absent.jsonl");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot open '" + dir + "/absent.jsonl'"), std::string::npos) << r.output;

  write_lines(dir + "/ref.jsonl", {"{\"id\": \"x\"}"});
  r = eval_file(kData, "--reference '" + dir + "/ref.jsonl'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("ref.jsonl line 1: a reference line needs"), std::string::npos) << r.output;
  std::filesystem::remove_all(dir);
}

TEST(CliEval, BadFlagsAreUsageErrors) {
  CliResult r = eval_file(kData, "--tasks vqa,bogus");
  EXPECT_FALSE(r.crashed);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("bogus"), std::string::npos) << r.output;
  r = eval_file(kData, "--limit -1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = eval_file(kData, "--buckets 128k");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("'128k', which no record has"), std::string::npos) << r.output;
  r = run_cli("eval --data '" + kData + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

}  // namespace
}  // namespace lightvl::test
