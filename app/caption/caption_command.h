// `lightvl caption`: captions (or answers one fixed question about) every image of a set of files,
// directories, patterns or a list, into a JSON Lines or CSV file that a rerun resumes.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "lightvl/generation.h"
#include "lightvl/model.h"

namespace lightvl::caption {

// Exit codes of `lightvl caption` (documented in the README).
inline constexpr int kExitOk = 0;             // every image has a caption (now or from an earlier run)
inline constexpr int kExitFatal = 1;          // bad model, unwritable output, I/O error: the run stopped
inline constexpr int kExitUsage = 2;          // bad arguments, or a command-line input that names nothing
inline constexpr int kExitSomeFailed = 3;     // the run finished; some images have error records
inline constexpr int kExitInterrupted = 130;  // Ctrl-C or SIGTERM: stopped after the image in flight

// The instruction used when --prompt is not given.
inline constexpr const char* kDefaultPrompt = "Write a one-sentence caption for this image.";

// Everything the command line sets. Defaults are the command's defaults.
struct CaptionOptions {
  std::string model;                // model directory (a MiniMax-VL-01 checkpoint)
  std::vector<std::string> inputs;  // files, directories, glob patterns
  std::string list_file;            // one input a line; "-" = standard input; empty = none
  bool recursive = false;           // descend into subdirectories
  std::string output;               // the captions file (required)
  std::string format;               // "jsonl", "csv", or empty: csv when `output` ends in .csv, else jsonl
  std::string prompt = kDefaultPrompt;
  std::string system;               // system prompt; empty = none
  GenerationConfig generation;      // sampling (the command sets max_tokens to 128 before parsing)
  bool hash = false;                // resume by SHA-256 of the content instead of size + mtime
  bool overwrite = false;           // start afresh: empty the output first
  bool skip_failed = false;         // keep earlier error records instead of retrying those images
  bool quiet = false;               // no progress and no summary on stderr (errors are still printed)
  int workers = 2;                  // image preparation threads
  int batch = 8;                    // images captioned together (continuous batching); 1 = one at a time
  Backend backend = Backend::kCpu;  // where the text model computes (the vision tower is on the CPU)
  WeightFormat weights = WeightFormat::kCheckpoint;  // how the text model holds its projections
  int threads = 0;                  // CPU threads of the model's kernels; 0 = all
  int64_t context = 0;              // context length; 0 = the model's
  uint64_t max_image_mb = 64;       // larger image files fail without being read
};

// Runs the whole job and returns one of the exit codes above. Images read from `list_stream` when
// list_file is "-". Per-image failures become error records; fatal problems (unwritable or foreign output
// file, inputs naming nothing, a model that cannot load or has no vision tower, a write error) throw
// lightvl::Error, kInvalidArgument for usage errors. Installs SIGINT/SIGTERM handlers while it runs.
int run_caption(const CaptionOptions& options, std::istream& list_stream);

}  // namespace lightvl::caption
