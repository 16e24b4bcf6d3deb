// Pitched 2-D device-to-device copy through the copy engine (no kernel): one cudaMemcpy2DAsync on the
// context stream. Used to split fused projections (e.g. the head-major q | k | v of lightning layers).
#include "backends/cuda/context.h"
#include "backends/cuda/copy_2d.h"
#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {

void copy_2d(const void* src, size_t src_pitch, void* dst, size_t dst_pitch, size_t width, size_t rows) {
  if (rows == 0 || width == 0) return;
  check_cuda(cudaMemcpy2DAsync(dst, dst_pitch, src, src_pitch, width, rows, cudaMemcpyDeviceToDevice,
                               current_context().stream));
}

}  // namespace lightvl::cuda
