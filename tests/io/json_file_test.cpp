// read_json_file / parse_json_text: errors name the file, the line and the column.
#include "io/json_file.h"

#include <gtest/gtest.h>

#include "io_test_util.h"

namespace lightvl::io {
namespace {

using testing::TempDir;
using testing::throws_error;

TEST(JsonFile, ReadsAValidFile) {
  TempDir dir;
  testing::write_file(dir / "a.json", "{\"x\": [1, 2], \"y\": {\"z\": \"w\"}}\n");
  const nlohmann::json j = read_json_file(dir / "a.json");
  EXPECT_EQ(j["x"][1], 2);
  EXPECT_EQ(j["y"]["z"], "w");
}

TEST(JsonFile, SyntaxErrorNamesFileLineAndColumn) {
  TempDir dir;
  // The stray comma is at line 3, column 12.
  testing::write_file(dir / "config.json", "{\n  \"a\": 1,\n  \"b\": [1, ,2]\n}\n");
  EXPECT_TRUE(throws_error([&] { read_json_file(dir / "config.json"); }, ErrorCode::kBadModel,
                           {"config.json", "line 3, column 12"}));
}

TEST(JsonFile, TruncatedFileIsBadModel) {
  TempDir dir;
  testing::write_file(dir / "config.json", "{\"a\": [1, 2");
  EXPECT_TRUE(throws_error([&] { read_json_file(dir / "config.json"); }, ErrorCode::kBadModel,
                           {"config.json", "line 1"}));
  testing::write_file(dir / "empty.json", "");
  EXPECT_TRUE(throws_error([&] { read_json_file(dir / "empty.json"); }, ErrorCode::kBadModel, {"empty.json"}));
}

TEST(JsonFile, DuplicateKeyIsRefused) {
  EXPECT_TRUE(throws_error([] { parse_json_text(R"({"a": {"k": 1, "k": 2}})", "x.json"); }, ErrorCode::kBadModel,
                           {"x.json", "\"k\""}));
  // The same key in different objects is fine.
  EXPECT_NO_THROW(parse_json_text(R"({"a": {"k": 1}, "b": {"k": 2}, "k": [{"k": 1}, {"k": 2}]})", "x.json"));
}

TEST(JsonFile, MissingFileAndDirectory) {
  TempDir dir;
  EXPECT_TRUE(throws_error([&] { read_json_file(dir / "config.json"); }, ErrorCode::kNotFound, {"config.json"}));
  EXPECT_TRUE(throws_error([&] { read_json_file(dir.path()); }, ErrorCode::kIo, {dir.path().string()}));
}

}  // namespace
}  // namespace lightvl::io
