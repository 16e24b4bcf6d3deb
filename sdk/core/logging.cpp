#include "core/logging.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace lightvl {
namespace {
std::atomic<int> g_level{int(LogLevel::kWarning)};
std::mutex g_mutex;
}  // namespace

void set_log_level(LogLevel level) { g_level = int(level); }
LogLevel log_level() { return LogLevel(g_level.load()); }

void log(LogLevel level, const std::string& message) {
  if (int(level) > g_level.load()) return;
  static const char* const kNames[] = {"error", "warning", "info", "debug"};
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fprintf(stderr, "lightvl: %s: %s\n", kNames[int(level)], message.c_str());
}

}  // namespace lightvl
