// lightvl's one error model (internal and public C++ API).
//
// Every failure caused by user data (files, configs, prompts, images, requests) is reported by throwing
// lightvl::Error, whose code says the category and whose message says what was wrong and what to do.
// Nothing in the library calls exit() or abort() on user data; asserts guard programmer errors only.
// The C API (lightvl.h) catches Error and every other exception and turns it into a status code.
#pragma once

#include <stdexcept>
#include <string>

namespace lightvl {

// Category of a failure. Stable values: the C API exposes them as lightvl_status.
enum class ErrorCode : int {
  kInvalidArgument = 1,  // a request or argument is malformed (bad flag, empty prompt, shape mismatch)
  kNotFound = 2,         // a file, tensor or token that must exist does not
  kBadModel = 3,         // a checkpoint/config is corrupt, truncated or inconsistent
  kUnsupported = 4,      // well-formed input that this build cannot handle (dtype, feature, device)
  kIo = 5,               // an OS-level read/write/mmap failure
  kOutOfMemory = 6,      // an allocation or a memory budget was exceeded
  kCancelled = 7,        // the caller asked to stop
  kInternal = 8,         // a bug in lightvl: please report it
};

// Returns a short lowercase name for `code` ("bad model", "not found", ...). Never fails.
const char* error_code_name(ErrorCode code);

// The exception thrown for every user-facing failure. Thread-safe to copy; carries no pointers.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Throws Error(code, message). Marked noreturn so callers can use it in expression position.
[[noreturn]] void fail(ErrorCode code, const std::string& message);

// Throws Error(code, message) when `condition` is false.
inline void require(bool condition, ErrorCode code, const std::string& message) {
  if (!condition) fail(code, message);
}

}  // namespace lightvl
