// The two file formats of `lightvl caption`: JSON Lines (one object a line) and CSV (RFC 4180 quoting,
// '\n' row ends, a header row). Writers make one complete line (row) per record; readers parse one back
// for resuming. Pure functions on strings: thread-safe, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "caption_record.h"

namespace lightvl::caption {

enum class RecordFormat { kJsonl, kCsv };

// "jsonl" or "csv". Never throws.
const char* format_name(RecordFormat format);

// The CSV header row, '\n'-terminated: path,caption,error,prompt_tokens,image_tokens,generated_tokens,
// seconds,prepare_seconds,stop_reason,size,mtime_ns,sha256.
const std::string& csv_header();

// One record as a complete JSON Lines line: a JSON object ending in '\n' with "caption" on success or
// "error" on failure (never both), token counts, times in seconds (0.1 ms resolution), size, mtime_ns and
// "sha256" when set. Invalid UTF-8 in strings is replaced by U+FFFD, so the line is always valid JSON.
std::string format_jsonl(const CaptionRecord& record);

// One record as a complete CSV row ending in '\n'. A field is quoted when it holds a comma, a quote, '\r'
// or '\n'; quotes inside are doubled; newlines inside quoted captions are kept as they are.
std::string format_csv(const CaptionRecord& record);

// format_jsonl or format_csv.
std::string format_record(const CaptionRecord& record, RecordFormat format);

// Parses one JSON Lines line (without its '\n'). Returns nullopt unless it is a JSON object with a string
// "path", a string "caption" or "error", and integer "size" and "mtime_ns"; other fields are optional.
std::optional<CaptionRecord> parse_jsonl(std::string_view line);

// Length of the CSV row starting at text[0], '\n' included, honouring quotes (a quoted field may span
// lines); nullopt when `text` ends before the row does (a torn last row).
std::optional<size_t> csv_row_length(std::string_view text);

// Parses one CSV data row (with or without its '\n' or "\r\n"). Returns nullopt unless it has exactly
// the header's 12 fields with a non-empty path and numbers where numbers belong.
std::optional<CaptionRecord> parse_csv(std::string_view row);

}  // namespace lightvl::caption
