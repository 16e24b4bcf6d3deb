// Pitched 2-D copies on the device (cudaMemcpy2DAsync on the device context's stream).
#pragma once

#include <cstddef>

namespace lightvl::cuda {

// Copies `rows` rows of `width` bytes from `src` (row pitch `src_pitch`) to `dst` (row pitch
// `dst_pitch`), both device memory of the current device; asynchronous on the context stream.
void copy_2d(const void* src, size_t src_pitch, void* dst, size_t dst_pitch, size_t width, size_t rows);

}  // namespace lightvl::cuda
