#include "resume_index.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "content_hash.h"
#include "lightvl/error.h"

namespace lightvl::caption {
namespace {

[[noreturn]] void not_a_captions_file(const std::string& name, size_t line, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument,
              "'" + name + "' line " + std::to_string(line) + " " + what +
                  ": it is not a lightvl caption file in this format; pass --overwrite to replace it, or "
                  "choose another --output (or --format)");
}

size_t count_lines(std::string_view text) { return size_t(std::count(text.begin(), text.end(), '\n')); }

ExistingOutput read_jsonl(std::string_view content, const std::string& name) {
  ExistingOutput out;
  size_t line = 0;
  for (size_t pos = 0; pos < content.size();) {
    ++line;
    const size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) {
      // Our writer always ends a record with its '\n', so only a crash leaves a line without one.
      const std::string_view fragment = content.substr(pos);
      if (out.records.empty() && fragment.rfind("{\"path\":", 0) != 0) {
        not_a_captions_file(name, line, "is incomplete");
      }
      out.torn_tail = true;
      break;
    }
    std::optional<CaptionRecord> record = parse_jsonl(content.substr(pos, end - pos));
    if (!record) not_a_captions_file(name, line, "is not a caption record");
    out.records.push_back({std::move(*record), std::string(content.substr(pos, end + 1 - pos))});
    pos = end + 1;
    out.valid_bytes = pos;
  }
  return out;
}

ExistingOutput read_csv(std::string_view content, const std::string& name) {
  ExistingOutput out;
  size_t line = 1;  // of the row's start (a quoted caption may span lines)
  for (size_t pos = 0; pos < content.size();) {
    const std::string_view rest = content.substr(pos);
    const std::optional<size_t> length = csv_row_length(rest);
    if (!length) {
      if (!out.has_header && csv_header().rfind(rest, 0) != 0) not_a_captions_file(name, line, "is incomplete");
      out.torn_tail = true;
      break;
    }
    std::string_view row = rest.substr(0, *length);
    if (!out.has_header) {
      if (row != csv_header() && row != csv_header().substr(0, csv_header().size() - 1) + "\r\n") {
        not_a_captions_file(name, line, "is not the lightvl caption CSV header");
      }
      out.has_header = true;
    } else {
      std::optional<CaptionRecord> record = parse_csv(row);
      if (!record) not_a_captions_file(name, line, "is not a caption record");
      out.records.push_back({std::move(*record), std::string(row)});
    }
    pos += *length;
    line += count_lines(row);
    out.valid_bytes = pos;
  }
  return out;
}

// Whether `record` still describes `image` (see the rules in the header).
bool matches(const CaptionRecord& record, const ImageFile& image, const ResumeOptions& options) {
  if (!image.error.empty()) return record.failed();  // still unreadable: the old error stands
  if (record.size != image.size) return false;
  if (!options.use_hash || record.sha256.empty()) return record.mtime_ns == image.mtime_ns;
  try {
    const FileContent content = read_image_file(image.path, options.max_file_bytes);
    return sha256_hex(content.bytes) == record.sha256;
  } catch (const Error&) {
    return false;  // unreadable now: caption it again, which records the error
  }
}

}  // namespace

ExistingOutput read_existing_output(std::string_view content, RecordFormat format, const std::string& name) {
  return format == RecordFormat::kCsv ? read_csv(content, name) : read_jsonl(content, name);
}

ResumePlan plan_resume(const std::vector<ImageFile>& images, const ExistingOutput& existing,
                       const ResumeOptions& options) {
  std::unordered_map<std::string, size_t> last;  // path -> index of its last record
  for (size_t i = 0; i < existing.records.size(); ++i) last[existing.records[i].record.path] = i;

  ResumePlan plan;
  std::unordered_set<size_t> stale;  // last records that are replaced by this run
  for (const ImageFile& image : images) {
    const auto found = last.find(image.path);
    if (found == last.end()) {
      plan.todo.push_back(image);
      continue;
    }
    const CaptionRecord& record = existing.records[found->second].record;
    const bool done = (!record.failed() || !options.retry_failed) && matches(record, image, options);
    if (done) {
      ++plan.already_done;
      if (record.failed()) ++plan.kept_failures;
    } else {
      plan.todo.push_back(image);
      stale.insert(found->second);
    }
  }
  for (size_t i = 0; i < existing.records.size(); ++i) {
    if (last[existing.records[i].record.path] == i && !stale.count(i)) plan.kept.push_back(i);
  }
  plan.dropped = existing.records.size() - plan.kept.size();
  return plan;
}

}  // namespace lightvl::caption
