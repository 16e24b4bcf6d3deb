// Minimal leveled logging to stderr. The library logs only warnings by default; the CLI raises the level
// with --verbose. Thread-safe (one mutex around each line).
#pragma once

#include <string>

namespace lightvl {

enum class LogLevel : int { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

// Sets the most verbose level that is printed (default kWarning). Thread-safe.
void set_log_level(LogLevel level);
LogLevel log_level();

// Prints "lightvl: <level>: <message>" to stderr when `level` is enabled.
void log(LogLevel level, const std::string& message);

inline void log_warning(const std::string& m) { log(LogLevel::kWarning, m); }
inline void log_info(const std::string& m) { log(LogLevel::kInfo, m); }

}  // namespace lightvl
