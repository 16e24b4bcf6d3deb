// The end-of-run report of `lightvl caption`: counts, throughput and the time-to-caption distribution.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lightvl::caption {

// The p-th percentile (0..100) of `values` by the nearest-rank method: the smallest value with at least
// p% of the values at or below it. 0 for no values. Never throws (except bad_alloc).
double percentile(std::vector<double> values, double p);

// What one run did. Plain data.
struct RunSummary {
  size_t captioned = 0;     // new caption records written
  size_t failed = 0;        // new error records written
  size_t already_done = 0;  // images skipped because the output already had their record
  size_t kept_failures = 0;  // of those, error records kept (--skip-failed)
  size_t not_images = 0;    // input files that are not images
  size_t remaining = 0;     // images left for a later run (interrupted)
  double seconds = 0;       // wall time from the first prepared image to the last record
  std::vector<double> caption_seconds;  // the model's time per captioned image (time to caption)
};

// The counts, then (when any image was processed) images/s over `seconds` and the p50/p90/p99 time to
// caption; each line '\n'-terminated.
std::string summary_text(const RunSummary& summary);

}  // namespace lightvl::caption
