// Progress of a caption run on stderr: a one-line bar redrawn in place on a terminal (done/total,
// images/s, ETA, failures), plain periodic lines when stderr is a file or pipe (logs stay readable), or
// nothing with --quiet.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace lightvl::caption {

enum class ProgressStyle { kBar, kLines, kNone };

// kNone when `quiet`, else kBar when `stream` is a terminal, else kLines. Never throws.
ProgressStyle choose_progress_style(bool quiet, FILE* stream);

// "0:07", "12:05", "1:02:03"; "--:--" for a negative or non-finite time. Never throws.
std::string format_duration(double seconds);

// "12/40 images, 2.30 img/s, ETA 0:13, 1 failed": the rate is done / elapsed; the ETA assumes it holds.
std::string progress_text(size_t done, size_t total, size_t failed, double elapsed_seconds);

// Draws the progress of `total` images. Not thread-safe: call from the captioning thread.
class ProgressDisplay {
 public:
  // `line_interval` is the time between two plain lines (kLines); the bar redraws at most 5 times a second.
  ProgressDisplay(ProgressStyle style, size_t total, FILE* stream, double line_interval_seconds = 10.0);

  // Counts one finished image and redraws when due.
  void record_done(bool failed);
  // Redraws when due (called per generated token so the bar moves during long captions).
  void tick();
  // Draws the final state and ends the bar's line; idempotent.
  void finish();

 private:
  void draw(bool force);
  double elapsed() const;

  ProgressStyle style_;
  size_t total_;
  FILE* stream_;
  double line_interval_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double last_draw_ = -1e9;  // elapsed() at the last draw
  size_t done_ = 0, failed_ = 0;
  bool finished_ = false;
};

}  // namespace lightvl::caption
