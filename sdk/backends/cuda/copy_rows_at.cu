// Row copy to a device-held row index (see copy_rows_at.h).
//
// One thread per word in a grid-stride loop; words are 16 bytes when the row size and both pointers
// allow it, else single bytes. The destination row index is read once per thread from device memory,
// so a recorded graph appends at whatever index the buffer holds at replay. Rows past the capacity are
// skipped (a kernel cannot report an error; the callers reserve room first).
#include "backends/cuda/copy_rows_at.h"

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {
namespace {

template <typename Word>
__global__ void copy_rows_at_kernel(const Word* src, int64_t rows, int64_t row_words, const int64_t* first_row,
                                    Word* dst, int64_t capacity_rows) {
  const int64_t first = *first_row;
  const int64_t n = rows * row_words;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t row = first + i / row_words;
    if (row >= 0 && row < capacity_rows) dst[row * row_words + i % row_words] = src[i];
  }
}

}  // namespace

void copy_rows_at(const void* src, int64_t rows, int64_t row_bytes, const int64_t* first_row, void* dst,
                  int64_t capacity_rows) {
  if (rows == 0 || row_bytes == 0) return;
  const cudaStream_t stream = current_context().stream;
  const bool wide = row_bytes % 16 == 0 && reinterpret_cast<uintptr_t>(src) % 16 == 0 &&
                    reinterpret_cast<uintptr_t>(dst) % 16 == 0;
  if (wide) {
    const int64_t words = row_bytes / 16;
    copy_rows_at_kernel<uint4><<<grid_for(rows * words), kThreads, 0, stream>>>(
        static_cast<const uint4*>(src), rows, words, first_row, static_cast<uint4*>(dst), capacity_rows);
  } else {
    copy_rows_at_kernel<unsigned char><<<grid_for(rows * row_bytes), kThreads, 0, stream>>>(
        static_cast<const unsigned char*>(src), rows, row_bytes, first_row, static_cast<unsigned char*>(dst),
        capacity_rows);
  }
  check_launch();
}

}  // namespace lightvl::cuda
