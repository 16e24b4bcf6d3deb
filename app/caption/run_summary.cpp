#include "run_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lightvl::caption {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * double(values.size()));
  return values[size_t(std::max(rank, 1.0)) - 1];
}

std::string summary_text(const RunSummary& s) {
  char text[512];
  const size_t processed = s.captioned + s.failed;
  const int n = std::snprintf(text, sizeof text,
                              "lightvl caption: %zu captioned, %zu failed, %zu already done (%zu of them failed), "
                              "%zu not images, %zu left\n",
                              s.captioned, s.failed, s.already_done, s.kept_failures, s.not_images, s.remaining);
  if (processed == 0) return text;  // nothing ran: no throughput to report
  const std::vector<double>& t = s.caption_seconds;
  std::snprintf(text + n, sizeof text - size_t(n),
                "lightvl caption: %zu images in %.2f s: %.2f images/s; time to caption p50 %.3f s, p90 %.3f s, "
                "p99 %.3f s\n",
                processed, s.seconds, s.seconds > 0 ? double(processed) / s.seconds : 0.0, percentile(t, 50),
                percentile(t, 90), percentile(t, 99));
  return text;
}

}  // namespace lightvl::caption
