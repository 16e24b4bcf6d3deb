// Row copies into a device buffer at a row index held in device memory (KV-cache appends in a recorded
// decode graph).
#pragma once

#include <cstdint>

namespace lightvl::cuda {

// Copies `rows` rows of `row_bytes` bytes from `src` to `dst` + first·row_bytes, where first is the int64
// at `first_row` (device memory, read when the kernel runs); rows that would land at or past
// `capacity_rows` are skipped. All pointers are device memory of the current device; asynchronous on
// the context stream.
void copy_rows_at(const void* src, int64_t rows, int64_t row_bytes, const int64_t* first_row, void* dst,
                  int64_t capacity_rows);

}  // namespace lightvl::cuda
