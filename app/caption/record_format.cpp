#include "record_format.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace lightvl::caption {
namespace {

// Column order of the CSV file; the header row lists exactly these names.
constexpr const char* kCsvColumns[] = {"path",           "caption",          "error",   "prompt_tokens",
                                       "image_tokens",   "generated_tokens", "seconds", "prepare_seconds",
                                       "stop_reason",    "size",             "mtime_ns", "sha256"};
constexpr size_t kCsvColumnCount = sizeof kCsvColumns / sizeof kCsvColumns[0];

// Times are kept to 0.1 ms: finer digits are noise and make the files harder to read.
double round_seconds(double seconds) { return std::round(seconds * 1e4) / 1e4; }

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", round_seconds(seconds));
  return text;
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';  // RFC 4180: a quote inside a quoted field is doubled
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// Splits one CSV row (no row terminator) into fields; nullopt for an unterminated quote, text after a
// closing quote, or a bare quote inside an unquoted field.
std::optional<std::vector<std::string>> split_csv(std::string_view row) {
  std::vector<std::string> fields;
  const size_t n = row.size();
  size_t i = 0;
  while (true) {
    std::string field;
    if (i < n && row[i] == '"') {
      ++i;
      while (true) {
        if (i >= n) return std::nullopt;
        if (row[i] == '"') {
          if (i + 1 < n && row[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += row[i++];
      }
      if (i < n && row[i] != ',') return std::nullopt;
    } else {
      const size_t end = std::min(row.find(',', i), n);
      field.assign(row.substr(i, end - i));
      if (field.find('"') != std::string::npos) return std::nullopt;
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= n) break;
    ++i;  // the comma; a row ending in a comma has an empty last field, read by the next iteration
  }
  return fields;
}

template <typename T>
bool parse_number(const std::string& text, T& value) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

const char* format_name(RecordFormat format) { return format == RecordFormat::kCsv ? "csv" : "jsonl"; }

const std::string& csv_header() {
  static const std::string header = [] {
    std::string h;
    for (size_t i = 0; i < kCsvColumnCount; ++i) {
      if (i) h += ',';
      h += kCsvColumns[i];
    }
    return h + "\n";
  }();
  return header;
}

std::string format_jsonl(const CaptionRecord& r) {
  nlohmann::ordered_json j;  // ordered: path first, the answer next, bookkeeping last
  j["path"] = r.path;
  if (r.failed()) {
    j["error"] = r.error;
  } else {
    j["caption"] = r.caption;
  }
  j["prompt_tokens"] = r.prompt_tokens;
  j["image_tokens"] = r.image_tokens;
  j["generated_tokens"] = r.generated_tokens;
  j["seconds"] = round_seconds(r.seconds);
  j["prepare_seconds"] = round_seconds(r.prepare_seconds);
  if (!r.stop_reason.empty()) j["stop_reason"] = r.stop_reason;
  j["size"] = r.size;
  j["mtime_ns"] = r.mtime_ns;
  if (!r.sha256.empty()) j["sha256"] = r.sha256;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string format_csv(const CaptionRecord& r) {
  const std::string fields[kCsvColumnCount] = {r.path,
                                               r.failed() ? "" : r.caption,
                                               r.error,
                                               std::to_string(r.prompt_tokens),
                                               std::to_string(r.image_tokens),
                                               std::to_string(r.generated_tokens),
                                               seconds_text(r.seconds),
                                               seconds_text(r.prepare_seconds),
                                               r.stop_reason,
                                               std::to_string(r.size),
                                               std::to_string(r.mtime_ns),
                                               r.sha256};
  std::string row;
  for (size_t i = 0; i < kCsvColumnCount; ++i) {
    if (i) row += ',';
    row += csv_field(fields[i]);
  }
  return row + "\n";
}

std::string format_record(const CaptionRecord& record, RecordFormat format) {
  return format == RecordFormat::kCsv ? format_csv(record) : format_jsonl(record);
}

std::optional<CaptionRecord> parse_jsonl(std::string_view line) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto string_field = [&](const char* key) { return j.contains(key) && j[key].is_string(); };
  auto integer_field = [&](const char* key) { return j.contains(key) && j[key].is_number_integer(); };
  if (!string_field("path") || !(string_field("caption") || string_field("error")) || !integer_field("size") ||
      !integer_field("mtime_ns")) {
    return std::nullopt;
  }
  CaptionRecord r;
  r.path = j["path"].get<std::string>();
  if (string_field("error")) {
    r.error = j["error"].get<std::string>();
    if (r.error.empty()) return std::nullopt;
  } else {
    r.caption = j["caption"].get<std::string>();
  }
  r.size = j["size"].get<uint64_t>();
  r.mtime_ns = j["mtime_ns"].get<int64_t>();
  if (string_field("sha256")) r.sha256 = j["sha256"].get<std::string>();
  if (string_field("stop_reason")) r.stop_reason = j["stop_reason"].get<std::string>();
  if (integer_field("prompt_tokens")) r.prompt_tokens = j["prompt_tokens"].get<int64_t>();
  if (integer_field("image_tokens")) r.image_tokens = j["image_tokens"].get<int64_t>();
  if (integer_field("generated_tokens")) r.generated_tokens = j["generated_tokens"].get<int64_t>();
  if (j.contains("seconds") && j["seconds"].is_number()) r.seconds = j["seconds"].get<double>();
  if (j.contains("prepare_seconds") && j["prepare_seconds"].is_number()) {
    r.prepare_seconds = j["prepare_seconds"].get<double>();
  }
  return r;
}

std::optional<size_t> csv_row_length(std::string_view text) {
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    // A doubled quote toggles twice, so it leaves the state unchanged, as it should.
    if (text[i] == '"') quoted = !quoted;
    if (text[i] == '\n' && !quoted) return i + 1;
  }
  return std::nullopt;
}

std::optional<CaptionRecord> parse_csv(std::string_view row) {
  if (!row.empty() && row.back() == '\n') row.remove_suffix(1);
  if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
  const std::optional<std::vector<std::string>> fields = split_csv(row);
  if (!fields || fields->size() != kCsvColumnCount || (*fields)[0].empty()) return std::nullopt;
  const std::vector<std::string>& f = *fields;
  CaptionRecord r;
  r.path = f[0];
  r.caption = f[1];
  r.error = f[2];
  r.stop_reason = f[8];
  r.sha256 = f[11];
  const bool numbers_ok = parse_number(f[3], r.prompt_tokens) && parse_number(f[4], r.image_tokens) &&
                          parse_number(f[5], r.generated_tokens) && parse_number(f[6], r.seconds) &&
                          parse_number(f[7], r.prepare_seconds) && parse_number(f[9], r.size) &&
                          parse_number(f[10], r.mtime_ns);
  if (!numbers_ok) return std::nullopt;
  return r;
}

}  // namespace lightvl::caption
