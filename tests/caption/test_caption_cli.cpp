// `lightvl caption` end to end on a fixture folder with the tiny VL model: one record per image, errors
// recorded, resume after SIGKILL and SIGINT without duplicates or gaps, CSV = JSONL, same seed = same
// captions, and the failures that must stop the run before any work.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "caption_fixture.h"

namespace lightvl::caption {
namespace {

namespace fs = std::filesystem;
using test::ProcessExit;

constexpr int kSomeFailed = 3;
constexpr int kInterrupted = 130;

// path -> record; fails the test on a duplicate path.
std::map<std::string, CaptionRecord> by_path(const std::vector<CaptionRecord>& records) {
  std::map<std::string, CaptionRecord> map;
  for (const CaptionRecord& r : records) EXPECT_TRUE(map.emplace(r.path, r).second) << "duplicate record " << r.path;
  return map;
}

std::set<std::string> paths_of(const std::map<std::string, CaptionRecord>& records) {
  std::set<std::string> paths;
  for (const auto& [path, record] : records) paths.insert(path);
  return paths;
}

int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// Waits until `path` holds at least `lines` complete lines; returns how many it holds.
size_t wait_for_lines(const std::string& path, size_t lines) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  size_t n = 0;
  while ((n = test::complete_lines(path)) < lines && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return n;
}

class CaptionCli : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::make_temp_dir("cli");
    folder_ = test::make_fixture_folder(root_);
    log_ = root_ + "/log.txt";
  }
  void TearDown() override { fs::remove_all(root_); }

  // `lightvl caption --model tiny --output out --max-tokens 8 --seed S extra...` (sampling, not greedy).
  ProcessExit caption(const std::string& out, const std::vector<std::string>& extra,
                      const std::string& stdin_path = "/dev/null", const std::string& seed = "7") {
    std::vector<std::string> args = {"caption", "--model", test::tiny_model(), "--output", out,
                                     "--max-tokens", "8", "--seed", seed};
    args.insert(args.end(), extra.begin(), extra.end());
    return test::run_cli(args, log_, stdin_path);
  }
  std::string log() const { return test::read_text(log_); }

  std::set<std::string> all_images() const {
    std::set<std::string> all(folder_.good.begin(), folder_.good.end());
    all.insert(folder_.failing.begin(), folder_.failing.end());
    all.insert(folder_.in_subfolder);
    return all;
  }

  std::string root_, log_;
  test::FixtureFolder folder_;
};

TEST_F(CaptionCli, OneRecordPerImageWithErrorsRecorded) {
  const std::string out = root_ + "/captions.jsonl";
  const ProcessExit exit = caption(out, {folder_.dir, "--recursive"});
  ASSERT_EQ(exit.code, kSomeFailed) << log();
  const auto records = by_path(test::read_records(out));
  EXPECT_EQ(paths_of(records), all_images());  // the text file is skipped
  for (const auto& [path, r] : records) {
    const bool should_fail = std::count(folder_.failing.begin(), folder_.failing.end(), path) > 0;
    EXPECT_EQ(r.failed(), should_fail) << path << ": " << r.error;
    if (!should_fail) {
      EXPECT_EQ(r.generated_tokens, 8) << path;
      EXPECT_GT(r.image_tokens, 0) << path;
      EXPECT_GT(r.prompt_tokens, r.image_tokens) << path;
      EXPECT_EQ(r.size, fs::file_size(path));
    }
  }
  // Without --recursive the subfolder is left out.
  ASSERT_EQ(caption(root_ + "/flat.jsonl", {folder_.dir}).code, kSomeFailed) << log();
  EXPECT_EQ(test::read_records(root_ + "/flat.jsonl").size(), all_images().size() - 1);
}

TEST_F(CaptionCli, SameSeedSameCaptionsAndCsvMatchesJsonl) {
  ASSERT_EQ(caption(root_ + "/a.jsonl", {folder_.dir}).code, kSomeFailed) << log();
  ASSERT_EQ(caption(root_ + "/b.jsonl", {folder_.dir}).code, kSomeFailed) << log();
  ASSERT_EQ(caption(root_ + "/c.csv", {folder_.dir}).code, kSomeFailed) << log();
  ASSERT_EQ(caption(root_ + "/d.jsonl", {folder_.dir}, "/dev/null", "8").code, kSomeFailed) << log();
  const auto a = test::read_records(root_ + "/a.jsonl");
  const auto b = test::read_records(root_ + "/b.jsonl");
  const auto c = test::read_records(root_ + "/c.csv", RecordFormat::kCsv);
  const auto d = test::read_records(root_ + "/d.jsonl");
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.size(), c.size());
  size_t differ_with_other_seed = 0, special = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path, b[i].path);
    EXPECT_EQ(a[i].caption, b[i].caption) << a[i].path;  // sampled (not greedy) with the same seed
    EXPECT_EQ(a[i].error, b[i].error);
    EXPECT_EQ(a[i].generated_tokens, b[i].generated_tokens);
    EXPECT_EQ(a[i].path, c[i].path);
    EXPECT_EQ(a[i].error, c[i].error);
    if (a[i].caption.find_first_of(",\"\n") != std::string::npos) ++special;
    // JSON replaces invalid UTF-8 in noise captions; CSV keeps the bytes. Compare where both are clean.
    if (a[i].caption.find("\xEF\xBF\xBD") == std::string::npos) {
      EXPECT_EQ(a[i].caption, c[i].caption) << a[i].path;
    }
    if (a[i].caption != d[i].caption) ++differ_with_other_seed;
  }
  EXPECT_GT(differ_with_other_seed, 0u) << "--seed has no effect";
  std::printf("[ figure ] %zu of %zu captions hold a comma, quote or newline\n", special, a.size());
}

TEST_F(CaptionCli, ResumeAfterKillHasNoDuplicateAndNoGap) {
  const std::vector<std::string> images = test::make_many_images(root_ + "/many", 24);
  const std::string out = root_ + "/captions.jsonl";
  const std::vector<std::string> args = {"caption", "--model", test::tiny_model(), root_ + "/many", "--output", out,
                                         "--max-tokens", "32", "--seed", "7"};
  const pid_t pid = test::start_cli(args, log_);
  const size_t seen = wait_for_lines(out, 3);
  kill(pid, SIGKILL);
  ASSERT_EQ(test::wait_cli(pid).signal, SIGKILL) << log();
  const size_t written = test::read_records(out).size();
  const std::string before = test::read_text(out);
  ASSERT_GE(seen, 3u);
  ASSERT_LT(written, images.size()) << "the run ended before it was killed; the test proves nothing";
  // A crash in the middle of a write leaves a torn last line: simulate it with half of a real record.
  ASSERT_EQ(test::run_cli({"caption", "--model", test::tiny_model(), images.back(), "--output", root_ + "/one.jsonl",
                           "--max-tokens", "32", "--seed", "7"},
                          log_)
                .code,
            0);
  const std::string one = test::read_text(root_ + "/one.jsonl");
  test::write_text(out, test::read_text(out) + one.substr(0, one.size() / 2));

  ASSERT_EQ(test::run_cli(args, log_).code, 0) << log();
  EXPECT_EQ(test::read_text(out).substr(0, before.size()), before);  // finished records were not redone
  const auto resumed = by_path(test::read_records(out));
  EXPECT_EQ(paths_of(resumed), std::set<std::string>(images.begin(), images.end()));
  // Every caption is what an uninterrupted run writes (same seed): nothing half-done was kept.
  std::vector<std::string> fresh_args = args;
  fresh_args[5] = root_ + "/fresh.jsonl";
  ASSERT_EQ(test::run_cli(fresh_args, log_).code, 0) << log();
  for (const auto& [path, r] : by_path(test::read_records(root_ + "/fresh.jsonl"))) {
    EXPECT_EQ(resumed.at(path).caption, r.caption) << path;
  }
  std::printf("[ figure ] killed after %zu of %zu records; resumed without duplicates or gaps\n", written,
              images.size());
}

TEST_F(CaptionCli, SigintFinishesTheImageInFlightAndExitsCleanly) {
  const std::vector<std::string> images = test::make_many_images(root_ + "/many", 24);
  const std::string out = root_ + "/captions.csv";
  const std::vector<std::string> args = {"caption", "--model", test::tiny_model(), root_ + "/many", "--output", out,
                                         "--max-tokens", "32", "--seed", "7"};
  const pid_t pid = test::start_cli(args, log_);
  wait_for_lines(out, 3);  // the header and two records
  kill(pid, SIGINT);
  const ProcessExit exit = test::wait_cli(pid);
  ASSERT_EQ(exit.code, kInterrupted) << log();
  const auto partial = test::read_records(out, RecordFormat::kCsv);  // throws on a torn or invalid file
  EXPECT_GE(partial.size(), 2u);
  EXPECT_LT(partial.size(), images.size());
  ASSERT_EQ(test::run_cli(args, log_).code, 0) << log();
  EXPECT_EQ(paths_of(by_path(test::read_records(out, RecordFormat::kCsv))),
            std::set<std::string>(images.begin(), images.end()));
}

TEST_F(CaptionCli, RerunsSkipDoneImagesAndRetryFailures) {
  const std::string out = root_ + "/captions.jsonl";
  ASSERT_EQ(caption(out, {folder_.dir, "-r", "--hash"}).code, kSomeFailed) << log();
  const std::string first = test::read_text(out);
  // Touching the images changes their times, not their content: --hash still knows them.
  for (const std::string& path : folder_.good) {
    fs::last_write_time(path, fs::last_write_time(path) + std::chrono::hours(1));
  }
  ASSERT_EQ(caption(out, {folder_.dir, "-r", "--hash", "--skip-failed"}).code, kSomeFailed) << log();
  EXPECT_EQ(test::read_text(out), first);  // nothing redone, nothing rewritten

  ASSERT_EQ(caption(out, {folder_.dir, "-r", "--hash"}).code, kSomeFailed) << log();  // failures retried
  auto records = by_path(test::read_records(out));
  EXPECT_EQ(paths_of(records), all_images());
  for (const std::string& path : folder_.failing) EXPECT_TRUE(records.at(path).failed());

  // By size + mtime the touched images changed: captioned again, and their records replaced.
  ASSERT_EQ(caption(out, {folder_.dir, "-r", "--skip-failed"}).code, kSomeFailed) << log();
  records = by_path(test::read_records(out));
  EXPECT_EQ(paths_of(records), all_images());
  for (const std::string& path : folder_.good) {
    EXPECT_EQ(records.at(path).mtime_ns, mtime_ns(path)) << path;
  }
  ASSERT_EQ(caption(out, {folder_.good[0], "--overwrite"}).code, 0) << log();
  EXPECT_EQ(test::read_records(out).size(), 1u);
}

TEST_F(CaptionCli, AnImageOverTheContextFailsAlone) {
  // 120 positions: the 30-token images fit with their prompt and 8 new tokens, the 135-token one does not.
  const std::string out = root_ + "/captions.jsonl";
  const std::string large = folder_.dir + "/large_271x199.jpg";
  ASSERT_EQ(caption(out, {large, folder_.good[0], "--context", "120"}).code, kSomeFailed) << log();
  const auto records = test::read_records(out);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].failed());
  EXPECT_FALSE(records[1].failed()) << records[1].error;
}

// Continuous batching changes how images are scheduled, not what is written: the same records, in the
// same order, as captioning one image at a time.
TEST_F(CaptionCli, BatchedEqualsOneAtATime) {
  const std::string one = root_ + "/one.jsonl", batched = root_ + "/batched.jsonl";
  ASSERT_EQ(caption(one, {folder_.dir, "-r", "--batch", "1"}).code, kSomeFailed) << log();
  ASSERT_EQ(caption(batched, {folder_.dir, "-r", "--batch", "5"}).code, kSomeFailed) << log();
  const auto a = test::read_records(one), b = test::read_records(batched);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path, b[i].path);
    EXPECT_EQ(a[i].caption, b[i].caption) << a[i].path;
    EXPECT_EQ(a[i].error.empty(), b[i].error.empty()) << a[i].path;
  }
}

// --weights int8 captions every good image (the text model's projections held as int8); a format that
// does not exist is a usage error that names the option, before any work.
TEST_F(CaptionCli, Int8WeightsCaptionAndBadFormatsAreUsageErrors) {
  const std::string out = root_ + "/int8.jsonl";
  ASSERT_EQ(caption(out, {folder_.dir, "-r", "--weights", "int8"}).code, kSomeFailed) << log();
  const auto records = test::read_records(out);
  EXPECT_EQ(records.size(), all_images().size());
  for (const CaptionRecord& r : records) {
    if (!r.failed()) EXPECT_FALSE(r.caption.empty()) << r.path;
  }
  EXPECT_EQ(caption(root_ + "/bad.jsonl", {folder_.dir, "--weights", "int4"}).code, 2) << log();
  EXPECT_NE(log().find("--weights"), std::string::npos) << log();
  EXPECT_FALSE(fs::exists(root_ + "/bad.jsonl"));
}

TEST_F(CaptionCli, ListFromStandardInput) {
  const std::string list = root_ + "/list.txt";
  test::write_text(list, folder_.good[0] + "\n" + folder_.good[3] + "\n\n" + root_ + "/gone.png\n");
  const std::string out = root_ + "/captions.jsonl";
  ASSERT_EQ(caption(out, {"--list", "-"}, list).code, kSomeFailed) << log();
  const auto records = test::read_records(out);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].path, folder_.good[0]);
  EXPECT_EQ(records[1].path, folder_.good[3]);
  EXPECT_FALSE(records[0].failed());
  EXPECT_TRUE(records[2].failed());
}

TEST_F(CaptionCli, BadOutputsAndModelsStopBeforeAnyWork) {
  // The output is checked before the model is even opened: the missing model is never reported.
  for (const std::string& out : {root_, root_ + "/missing/captions.jsonl"}) {
    const ProcessExit exit = test::run_cli({"caption", "--model", root_ + "/no-model", folder_.dir, "--output", out}, log_);
    EXPECT_EQ(exit.code, 1) << log();
    EXPECT_NE(log().find("cannot write the output"), std::string::npos) << log();
    EXPECT_EQ(log().find("no-model"), std::string::npos) << log();
  }
  // A file that is not a captions file is refused and left alone.
  const std::string foreign = root_ + "/notes.jsonl";
  test::write_text(foreign, "my notes\n");
  EXPECT_EQ(caption(foreign, {folder_.dir}).code, 2) << log();
  EXPECT_EQ(test::read_text(foreign), "my notes\n");
  // Inputs that name nothing are usage errors; a text-only model cannot caption.
  EXPECT_EQ(caption(root_ + "/x.jsonl", {root_ + "/missing-dir"}).code, 2) << log();
  const ProcessExit text_only = test::run_cli({"caption", "--model", std::string(LIGHTVL_SOURCE_DIR) +
                                                   "/assets/tiny-minimax-text-01", folder_.dir, "--output", root_ + "/t.jsonl"},
                                              log_);
  EXPECT_EQ(text_only.code, 1) << log();
}

}  // namespace
}  // namespace lightvl::caption
