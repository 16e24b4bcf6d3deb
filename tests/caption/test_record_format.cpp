// The JSON Lines and CSV writers and their readers: quoting, one complete line per record, round trips.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "record_format.h"

namespace lightvl::caption {
namespace {

CaptionRecord sample_caption(const std::string& caption) {
  CaptionRecord r;
  r.path = "photos/a, \"b\".jpg";
  r.size = 1234;
  r.mtime_ns = 1700000000123456789;
  r.caption = caption;
  r.stop_reason = "eos";
  r.prompt_tokens = 83;
  r.image_tokens = 30;
  r.generated_tokens = 12;
  r.seconds = 0.123456;
  r.prepare_seconds = 0.00071;
  return r;
}

CaptionRecord sample_error() {
  CaptionRecord r;
  r.path = "photos/broken.png";
  r.size = 10;
  r.mtime_ns = 5;
  r.error = "invalid argument: cannot decode PNG";
  r.prepare_seconds = 0.001;
  return r;
}

TEST(CaptionCsv, QuotesCommasQuotesAndNewlines) {
  const std::string row = format_csv(sample_caption("A dog, a \"cat\"\nand a\r\nbird"));
  EXPECT_EQ(row,
            "\"photos/a, \"\"b\"\".jpg\",\"A dog, a \"\"cat\"\"\nand a\r\nbird\",,83,30,12,0.1235,0.0007,eos,1234,"
            "1700000000123456789,\n");
  EXPECT_EQ(format_csv(sample_error()),
            "photos/broken.png,,invalid argument: cannot decode PNG,0,0,0,0.0000,0.0010,,10,5,\n");
}

TEST(CaptionCsv, RowsRoundTripThroughTheReader) {
  for (const std::string caption : {"", "plain", "a,b", "\"", "\"\"", "line\nbreak", "ends with quote\"",
                                    ",\n,\"\n", "trailing comma,"}) {
    const std::string row = format_csv(sample_caption(caption));
    const std::string text = row + "next row\n";
    ASSERT_EQ(csv_row_length(text), row.size()) << caption;
    const std::optional<CaptionRecord> back = parse_csv(row);
    ASSERT_TRUE(back.has_value()) << row;
    EXPECT_EQ(back->caption, caption);
    EXPECT_EQ(back->path, "photos/a, \"b\".jpg");
    EXPECT_EQ(back->mtime_ns, 1700000000123456789);
    EXPECT_EQ(back->generated_tokens, 12);
    EXPECT_FALSE(back->failed());
    // Every strict prefix of a row is incomplete: a torn row is never mistaken for a whole one.
    for (size_t cut = 0; cut < row.size(); ++cut) {
      EXPECT_FALSE(csv_row_length(row.substr(0, cut)).has_value()) << caption << " cut at " << cut;
    }
  }
  const std::optional<CaptionRecord> error = parse_csv(format_csv(sample_error()));
  ASSERT_TRUE(error.has_value());
  EXPECT_TRUE(error->failed());
  EXPECT_EQ(error->error, "invalid argument: cannot decode PNG");
}

TEST(CaptionCsv, RejectsMalformedRows) {
  EXPECT_FALSE(parse_csv(csv_header()).has_value());                      // numbers where numbers belong
  EXPECT_FALSE(parse_csv("a,b,c\n").has_value());                          // too few fields
  EXPECT_FALSE(parse_csv("\"unterminated,x,,1,1,1,0,0,,1,1,\n").has_value());
  EXPECT_FALSE(parse_csv("p,ca\"ption,,1,1,1,0,0,,1,1,\n").has_value());   // a bare quote
  EXPECT_FALSE(parse_csv(",caption,,1,1,1,0,0,,1,1,\n").has_value());     // no path
  EXPECT_TRUE(parse_csv("p,caption,,1,1,1,0,0,,1,1,\r\n").has_value());   // CRLF is accepted
  EXPECT_EQ(csv_header(),
            "path,caption,error,prompt_tokens,image_tokens,generated_tokens,seconds,prepare_seconds,stop_reason,"
            "size,mtime_ns,sha256\n");
}

TEST(CaptionJsonl, OneObjectALineWithCaptionOrError) {
  const std::string line = format_jsonl(sample_caption("A dog,\n\"quoted\""));
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // newlines inside strings are escaped
  const nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["caption"], "A dog,\n\"quoted\"");
  EXPECT_FALSE(j.contains("error"));
  EXPECT_FALSE(j.contains("sha256"));
  EXPECT_DOUBLE_EQ(j["seconds"].get<double>(), 0.1235);
  EXPECT_EQ(line.rfind("{\"path\":", 0), 0u);  // path first: the resume reader relies on it for torn lines

  const nlohmann::json e = nlohmann::json::parse(format_jsonl(sample_error()));
  EXPECT_EQ(e["error"], "invalid argument: cannot decode PNG");
  EXPECT_FALSE(e.contains("caption"));
}

TEST(CaptionJsonl, RoundTripsAndReplacesInvalidUtf8) {
  CaptionRecord r = sample_caption("caf\xC3\xA9 \xFF end");
  r.sha256 = std::string(64, 'a');
  const std::string line = format_jsonl(r);
  const std::optional<CaptionRecord> back = parse_jsonl(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->caption, "caf\xC3\xA9 \xEF\xBF\xBD end");  // the stray byte became U+FFFD
  EXPECT_EQ(back->sha256, r.sha256);
  EXPECT_EQ(back->size, 1234u);
  EXPECT_EQ(back->stop_reason, "eos");

  EXPECT_FALSE(parse_jsonl("{\"path\":\"a\",\"size\":1,\"mtime_ns\":2}").has_value());  // no caption/error
  EXPECT_FALSE(parse_jsonl("{\"path\":\"a\",\"caption\":\"c\",\"size\":1}").has_value());
  EXPECT_FALSE(parse_jsonl("{\"path\":\"a\",\"caption\":\"c\",\"size\":1,\"mtime_ns\":").has_value());
  EXPECT_FALSE(parse_jsonl("[1,2]").has_value());
  EXPECT_FALSE(parse_jsonl("{\"path\":\"a\",\"error\":\"\",\"size\":1,\"mtime_ns\":2}").has_value());
}

}  // namespace
}  // namespace lightvl::caption
