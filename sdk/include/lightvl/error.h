// lightvl's one error model, shared by the library internals and the public C++ API.
//
// Every failure caused by user data (files, configs, prompts, images, requests) is reported by throwing
// lightvl::Error, whose code says the category and whose message says what was wrong and what to do.
// The library never calls exit() or abort() on user data; asserts guard programmer errors only.
// The C API (lightvl.h) catches Error and every other exception and returns a status code instead.
#pragma once

#include <stdexcept>
#include <string>

namespace lightvl {

// Category of a failure. Stable values: the C API exposes the same numbers as lightvl_status.
enum class ErrorCode : int {
  kInvalidArgument = 1,  // a request or argument is malformed (bad flag, empty prompt, shape mismatch)
  kNotFound = 2,         // a file, tensor or token that must exist does not
  kBadModel = 3,         // a checkpoint or config is corrupt, truncated or inconsistent
  kUnsupported = 4,      // well-formed input that this build cannot handle (dtype, feature, device)
  kIo = 5,               // an OS-level read/write/mmap failure
  kOutOfMemory = 6,      // an allocation or a memory budget was exceeded
  kCancelled = 7,        // the caller asked to stop
  kInternal = 8,         // a bug in lightvl: please report it
};

// Returns a short lowercase name for `code` ("bad model", "not found", ...). Never throws.
inline const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kBadModel: return "bad model";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kIo: return "i/o error";
    case ErrorCode::kOutOfMemory: return "out of memory";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kInternal: return "internal error";
  }
  return "unknown error";
}

// The exception thrown for every user-facing failure. Cheap to copy, thread-safe, owns its message.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace lightvl
