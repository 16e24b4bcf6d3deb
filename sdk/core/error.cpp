#include "core/error.h"

namespace lightvl {

void fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

}  // namespace lightvl
