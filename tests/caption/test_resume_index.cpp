// The resume reader (complete records, torn last lines, foreign files) and the resume rules.
#include <gtest/gtest.h>

#include <filesystem>

#include "caption_fixture.h"
#include "content_hash.h"
#include "lightvl/error.h"
#include "resume_index.h"

namespace lightvl::caption {
namespace {

CaptionRecord caption_of(const std::string& path, uint64_t size, int64_t mtime, const std::string& caption = "c") {
  CaptionRecord r;
  r.path = path;
  r.size = size;
  r.mtime_ns = mtime;
  r.caption = caption;
  return r;
}

CaptionRecord error_of(const std::string& path, uint64_t size, int64_t mtime) {
  CaptionRecord r = caption_of(path, size, mtime);
  r.error = "invalid argument: corrupt";
  return r;
}

std::string file_of(const std::vector<CaptionRecord>& records, RecordFormat format) {
  std::string text = format == RecordFormat::kCsv ? csv_header() : "";
  for (const CaptionRecord& r : records) text += format_record(r, format);
  return text;
}

class ResumeReader : public ::testing::TestWithParam<RecordFormat> {};

TEST_P(ResumeReader, ReadsCompleteRecordsAndDetectsATornLastLine) {
  const RecordFormat format = GetParam();
  const std::string whole = file_of({caption_of("a.png", 1, 2, "x,\n\"y\""), error_of("b.jpg", 3, 4)}, format);
  ExistingOutput out = read_existing_output(whole, format, "f");
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[0].record.caption, "x,\n\"y\"");
  EXPECT_TRUE(out.records[1].record.failed());
  EXPECT_EQ(out.valid_bytes, whole.size());
  EXPECT_FALSE(out.torn_tail);

  // Cut the file anywhere inside the last record: that record is dropped, the rest is intact.
  const std::string torn_record = format_record(caption_of("c.gif", 5, 6, "multi\nline, \"caption\""), format);
  for (size_t cut = 1; cut < torn_record.size(); ++cut) {
    out = read_existing_output(whole + torn_record.substr(0, cut), format, "f");
    ASSERT_TRUE(out.torn_tail) << cut;
    ASSERT_EQ(out.records.size(), 2u) << cut;
    EXPECT_EQ(out.valid_bytes, whole.size());
  }
}

TEST_P(ResumeReader, AnEmptyFileAndATornFirstRecordAreFine) {
  const RecordFormat format = GetParam();
  ExistingOutput out = read_existing_output("", format, "f");
  EXPECT_TRUE(out.records.empty());
  EXPECT_FALSE(out.has_header);
  const std::string first = file_of({caption_of("a.png", 1, 2)}, format);
  out = read_existing_output(first.substr(0, first.size() - 5), format, "f");
  EXPECT_TRUE(out.torn_tail);
  EXPECT_TRUE(out.records.empty());
  EXPECT_EQ(out.valid_bytes, format == RecordFormat::kCsv ? csv_header().size() : 0u);
}

TEST_P(ResumeReader, RefusesFilesThatAreNotCaptionFiles) {
  const RecordFormat format = GetParam();
  const std::string good = file_of({caption_of("a.png", 1, 2)}, format);
  for (const std::string& foreign : {std::string("hello\nworld\n"), std::string("hello"), good + "garbage\n" + good,
                                     std::string("{\"x\":1}\n")}) {
    EXPECT_THROW(read_existing_output(foreign, format, "f"), Error) << foreign;
  }
  // A file of the other format is refused too.
  const RecordFormat other = format == RecordFormat::kCsv ? RecordFormat::kJsonl : RecordFormat::kCsv;
  EXPECT_THROW(read_existing_output(file_of({caption_of("a.png", 1, 2)}, other), format, "f"), Error);
}

INSTANTIATE_TEST_SUITE_P(Formats, ResumeReader, ::testing::Values(RecordFormat::kJsonl, RecordFormat::kCsv));

ExistingOutput existing_of(const std::vector<CaptionRecord>& records) {
  return read_existing_output(file_of(records, RecordFormat::kJsonl), RecordFormat::kJsonl, "f");
}

std::vector<std::string> todo_paths(const ResumePlan& plan) {
  std::vector<std::string> paths;
  for (const ImageFile& image : plan.todo) paths.push_back(image.path);
  return paths;
}

TEST(ResumePlan, SkipsMatchingCaptionsAndRetriesTheRest) {
  const ExistingOutput existing = existing_of({
      caption_of("done.png", 10, 100),     // unchanged: done
      caption_of("changed.png", 10, 100),  // mtime changed: captioned again, record dropped
      error_of("failed.png", 10, 100),     // failure: retried by default
      caption_of("other.png", 1, 1),       // not an input of this run: kept
      caption_of("dup.png", 5, 5),         // an earlier duplicate: dropped
      caption_of("dup.png", 6, 6),
  });
  const std::vector<ImageFile> images = {{"new.png", 1, 1, {}},      {"done.png", 10, 100, {}},
                                         {"changed.png", 10, 101, {}}, {"failed.png", 10, 100, {}},
                                         {"dup.png", 6, 6, {}}};
  ResumePlan plan = plan_resume(images, existing, {});
  EXPECT_EQ(todo_paths(plan), (std::vector<std::string>{"new.png", "changed.png", "failed.png"}));
  EXPECT_EQ(plan.kept, (std::vector<size_t>{0, 3, 5}));
  EXPECT_EQ(plan.already_done, 2u);
  EXPECT_EQ(plan.dropped, 3u);

  ResumeOptions keep_failures;
  keep_failures.retry_failed = false;
  plan = plan_resume(images, existing, keep_failures);
  EXPECT_EQ(todo_paths(plan), (std::vector<std::string>{"new.png", "changed.png"}));
  EXPECT_EQ(plan.kept_failures, 1u);
  EXPECT_EQ(plan.kept, (std::vector<size_t>{0, 2, 3, 5}));
}

TEST(ResumePlan, HashModeMatchesContentNotTime) {
  const std::string dir = test::make_temp_dir("hash");
  const std::string path = dir + "/a.png";
  test::copy_file(test::fixture_image("png_rgb.png"), path);
  const FileContent content = read_image_file(path, UINT64_MAX);
  CaptionRecord hashed = caption_of(path, content.size, 1);  // a different mtime than the file's
  hashed.sha256 = sha256_hex(content.bytes);
  const std::vector<ImageFile> images = {{path, content.size, content.mtime_ns, {}}};
  ResumeOptions by_hash;
  by_hash.use_hash = true;
  EXPECT_TRUE(plan_resume(images, existing_of({hashed}), by_hash).todo.empty());
  EXPECT_EQ(plan_resume(images, existing_of({hashed}), {}).todo.size(), 1u);  // by time it changed

  hashed.sha256[0] = hashed.sha256[0] == '0' ? '1' : '0';
  EXPECT_EQ(plan_resume(images, existing_of({hashed}), by_hash).todo.size(), 1u);
  // A record written without --hash falls back to size + mtime.
  EXPECT_TRUE(plan_resume(images, existing_of({caption_of(path, content.size, content.mtime_ns)}), by_hash).todo.empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lightvl::caption
