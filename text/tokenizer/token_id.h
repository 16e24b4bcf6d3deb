// The integer type of token ids throughout lightvl (embedding rows, sampling, the tokenizer).
#pragma once

#include <cstdint>

namespace lightvl::text {

using TokenId = int32_t;

}  // namespace lightvl::text
