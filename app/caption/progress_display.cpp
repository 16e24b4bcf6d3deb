#include "progress_display.h"

#include <unistd.h>

#include <cmath>

namespace lightvl::caption {
namespace {

constexpr int kBarWidth = 24;
constexpr double kBarRedrawSeconds = 0.2;

}  // namespace

ProgressStyle choose_progress_style(bool quiet, FILE* stream) {
  if (quiet) return ProgressStyle::kNone;
  return ::isatty(::fileno(stream)) ? ProgressStyle::kBar : ProgressStyle::kLines;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long long total = std::llround(seconds);
  char text[48];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

std::string progress_text(size_t done, size_t total, size_t failed, double elapsed_seconds) {
  const double rate = elapsed_seconds > 0 ? double(done) / elapsed_seconds : 0;
  const double eta = rate > 0 ? double(total - std::min(done, total)) / rate : -1;
  char text[160];
  std::snprintf(text, sizeof text, "%zu/%zu images, %.2f img/s, ETA %s, %zu failed", done, total, rate,
                format_duration(eta).c_str(), failed);
  return text;
}

ProgressDisplay::ProgressDisplay(ProgressStyle style, size_t total, FILE* stream, double line_interval_seconds)
    : style_(style), total_(total), stream_(stream), line_interval_(line_interval_seconds) {}

double ProgressDisplay::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressDisplay::record_done(bool failed) {
  ++done_;
  if (failed) ++failed_;
  draw(false);
}

void ProgressDisplay::tick() { draw(false); }

void ProgressDisplay::finish() {
  if (finished_) return;
  draw(true);
  if (style_ == ProgressStyle::kBar) std::fputc('\n', stream_);
  finished_ = true;
}

void ProgressDisplay::draw(bool force) {
  if (style_ == ProgressStyle::kNone || finished_) return;
  const double now = elapsed();
  const double interval = style_ == ProgressStyle::kBar ? kBarRedrawSeconds : line_interval_;
  if (!force && now - last_draw_ < interval) return;
  last_draw_ = now;
  const std::string text = progress_text(done_, total_, failed_, now);
  if (style_ == ProgressStyle::kLines) {
    std::fprintf(stream_, "lightvl caption: %s\n", text.c_str());
  } else {
    const int filled = total_ ? int(double(kBarWidth) * double(done_) / double(total_)) : kBarWidth;
    // "\r" returns to the line's start and "\x1b[K" clears what a longer previous text left behind.
    std::fprintf(stream_, "\r[%s%s] %s\x1b[K", std::string(size_t(filled), '#').c_str(),
                 std::string(size_t(kBarWidth - filled), '.').c_str(), text.c_str());
  }
  std::fflush(stream_);
}

}  // namespace lightvl::caption
