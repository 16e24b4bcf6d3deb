// lightvl eval: the evaluation records of a JSON Lines file (tests/reference/demo_data.py's EvalRecord
// schema), validated and with their file references resolved, and the selection of the records to run.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eval_scoring.h"

namespace lightvl::cli {

// The tasks of the schema, in report order.
inline constexpr std::array<std::string_view, 5> kEvalTasks = {"caption", "vqa", "count", "read", "doc"};

// One held-out question. Paths are resolved against the JSONL file's directory and were checked to be
// existing regular files when the record was read.
struct EvalRecord {
  std::string id;
  std::string task;             // one of kEvalTasks
  std::string image;            // the image file; empty = no image
  std::string document_file;    // the document's text file; empty = no document
  std::string document_name;    // the name the model is shown for the document (not the file's name)
  std::string prompt;           // the user's text after the image and the document
  std::string answer;           // the reference answer
  Truth truth;                  // what the scorer needs
  std::optional<double> depth;  // doc: where the fact sits in the document, 0..1
  std::string bucket;           // the context bucket ("2k", ...); empty = null
  int64_t line = 0;             // 1-based line of the record in its file
};

// Reads every record of `path` (blank lines skipped). Throws DataFileError naming the file and line for an
// unreadable file, a malformed line, a missing or mistyped field, an unknown task, a duplicate id or an
// image or document file that does not exist; and for a file without records.
std::vector<EvalRecord> read_eval_records(const std::string& path);

// The scorer's Truth from a record's "truth" object for `task` (caption: style, and text + text_colour or
// shapes of {kind, colour, size, where}; every other task: answer). Throws std::invalid_argument saying
// which field is missing or mistyped (the caller adds the file and line).
Truth truth_from_json(std::string_view task, const nlohmann::json& truth);

// The text of `record`'s document, read whole as UTF-8 text. Throws DataFileError naming the record's
// line when the file cannot be read, is empty, or is a PDF (the schema's documents are text files).
std::string read_document_text(const EvalRecord& record, const std::string& data_path);

// What to run: the records whose task is in `tasks` and whose bucket is in `buckets` (an empty list keeps
// all; records without a bucket, the scenes, are never dropped by `buckets`; a bucket no record has is an
// error), in file order, at most `limit` of them
// (0 = no limit). Throws Error(kInvalidArgument) when nothing is left, listing the tasks and buckets the
// file has.
std::vector<EvalRecord> select_records(const std::vector<EvalRecord>& records, const std::vector<std::string>& tasks,
                                       const std::vector<std::string>& buckets, int64_t limit);

}  // namespace lightvl::cli
