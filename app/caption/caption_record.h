// What `lightvl caption` writes for one image: one line of the JSON Lines file or one row of the CSV file.
#pragma once

#include <cstdint>
#include <string>

namespace lightvl::caption {

// The outcome of one image. Plain data, cheap to copy. Exactly one of `caption` (success) and `error`
// (failure) is meaningful: a record failed when `error` is non-empty, and writers never emit an empty
// error for a failure.
struct CaptionRecord {
  std::string path;      // the image as found (relative paths stay relative to the working directory)
  uint64_t size = 0;     // file size in bytes when it was read
  int64_t mtime_ns = 0;  // file modification time when it was read, nanoseconds since the epoch
  std::string sha256;    // lowercase hex content hash; empty unless the run used --hash
  std::string caption;   // the model's answer (may be empty when the model stopped at once)
  std::string error;     // why the image has no caption; empty on success
  std::string stop_reason;  // why generation ended ("eos", "max_tokens", ...); empty on failure
  int64_t prompt_tokens = 0;     // prefilled positions (text + image)
  int64_t image_tokens = 0;      // of which image positions
  int64_t generated_tokens = 0;  // tokens of the caption
  double seconds = 0;            // the model's time for this image: prefill + decode (time to caption)
  double prepare_seconds = 0;    // read + decode + tile on a worker thread, overlapped with the model

  bool failed() const { return !error.empty(); }
};

}  // namespace lightvl::caption
