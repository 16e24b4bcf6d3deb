// Internal helpers around the public error type (lightvl/error.h): fail() and require().
// Use them for user-data failures; messages name the file/tensor/key and say what to do.
#pragma once

#include <string>

#include "lightvl/error.h"

namespace lightvl {

// Throws Error(code, message). Marked noreturn so callers can use it in any branch.
[[noreturn]] void fail(ErrorCode code, const std::string& message);

// Throws Error(code, message) when `condition` is false. The message is built eagerly: keep it out of
// per-element hot loops.
inline void require(bool condition, ErrorCode code, const std::string& message) {
  if (!condition) fail(code, message);
}

}  // namespace lightvl
