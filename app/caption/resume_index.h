// Resuming: what an existing captions file already holds, and which images still need a caption.
//
// Rules. Only the last record of a path counts. An image is done when that record is a caption and the
// file still has the recorded size and modification time (with --hash: the recorded SHA-256, read and
// hashed now; records written without a hash fall back to size + mtime). A failed image is captioned again
// (its error record replaced) unless retry_failed is off. Records of images that are captioned again, of
// changed images, and earlier duplicates are dropped from the file; records of paths not among this run's
// inputs are kept untouched, so one file can collect captions from several runs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "caption_record.h"
#include "image_inputs.h"
#include "record_format.h"

namespace lightvl::caption {

// A complete record found in an existing captions file, with its exact text, kept byte for byte when the
// file is rewritten.
struct StoredRecord {
  CaptionRecord record;
  std::string text;  // the line (JSONL) or row (CSV), terminator included
};

// What an existing captions file holds.
struct ExistingOutput {
  std::vector<StoredRecord> records;  // complete records, in file order
  size_t valid_bytes = 0;             // bytes up to the end of the last complete record (or CSV header)
  bool torn_tail = false;             // bytes after valid_bytes are a last line cut short by a crash
  bool has_header = false;            // CSV: the header row is there
};

// Parses the content of the captions file `name`. A last line without its '\n' is a torn write when it
// follows our records or CSV header or, in an otherwise empty file, starts like one of our records or our
// header: it is reported in torn_tail and ignored. Throws Error(kInvalidArgument) naming the file and line
// for anything else that is not a record (a CSV file must start with our header), so a file that is not a
// captions file is never modified.
ExistingOutput read_existing_output(std::string_view content, RecordFormat format, const std::string& name);

struct ResumeOptions {
  bool use_hash = false;                // match by content (SHA-256) instead of size + mtime
  bool retry_failed = true;             // caption images whose record is an error again
  uint64_t max_file_bytes = UINT64_MAX;  // files above this are not hashed (they will fail anyway)
};

// Which images still need a caption and which records stay in the file.
struct ResumePlan {
  std::vector<ImageFile> todo;    // images to caption, in input order
  std::vector<size_t> kept;       // indices into ExistingOutput::records that stay, in file order
  size_t already_done = 0;        // images skipped because their record matches (kept failures included)
  size_t kept_failures = 0;       // of which error records kept because retry_failed is off
  size_t dropped = 0;             // records to remove: retried failures, changed images, earlier duplicates
};

// Applies the rules above to `images`. Thread-compatible; with use_hash it reads the files of images
// that have a caption record of the same size.
ResumePlan plan_resume(const std::vector<ImageFile>& images, const ExistingOutput& existing,
                       const ResumeOptions& options);

}  // namespace lightvl::caption
