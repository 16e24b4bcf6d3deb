// The output file: created or refused up front, locked, appended, truncated and rewritten atomically.
#include <gtest/gtest.h>

#include <filesystem>

#include "caption_fixture.h"
#include "lightvl/error.h"
#include "output_file.h"

namespace lightvl::caption {
namespace {

TEST(CaptionOutputFile, AppendsTruncatesAndReplaces) {
  const std::string dir = test::make_temp_dir("out");
  const std::string path = dir + "/captions.jsonl";
  {
    OutputFile out = OutputFile::open(path, false);
    EXPECT_EQ(out.read_all(), "");
    out.append("one\n");
    out.append("two\nthree");
    EXPECT_EQ(test::read_text(path), "one\ntwo\nthree");
    out.truncate(8);
    out.append("3\n");
    EXPECT_EQ(out.read_all(), "one\ntwo\n3\n");
    out.replace("fresh\n");
    out.append("more\n");  // still appending to the replaced file
    EXPECT_EQ(test::read_text(path), "fresh\nmore\n");
  }
  EXPECT_EQ(OutputFile::open(path, false).read_all(), "fresh\nmore\n");
  EXPECT_EQ(OutputFile::open(path, true).read_all(), "");  // --overwrite
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);  // no temporary left behind
  std::filesystem::remove_all(dir);
}

TEST(CaptionOutputFile, RefusesUnwritableAndLockedFiles) {
  const std::string dir = test::make_temp_dir("out");
  EXPECT_THROW(OutputFile::open(dir + "/missing/captions.jsonl", false), Error);
  EXPECT_THROW(OutputFile::open(dir, false), Error);  // a directory
  OutputFile first = OutputFile::open(dir + "/captions.jsonl", false);
  try {
    OutputFile::open(dir + "/captions.jsonl", false);
    ADD_FAILURE() << "a second writer was let in";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(e.what()).find("another lightvl caption run"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lightvl::caption
