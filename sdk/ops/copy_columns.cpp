#include "ops/copy_columns.h"

#include <cstring>

#include "backends/cuda/copy_2d.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void copy_columns(const Tensor& src, int64_t begin, Tensor& dst) {
  require(src.rank() == 2 && dst.rank() == 2 && src.dtype() == dst.dtype() && src.device() == dst.device() &&
              src.dim(0) == dst.dim(0) && begin >= 0 && begin + dst.dim(1) <= src.dim(1),
          ErrorCode::kInternal,
          "copy_columns: " + shape_string(dst.shape()) + " from column " + std::to_string(begin) + " of " +
              shape_string(src.shape()) + " does not fit");
  const size_t elem = dtype_size(src.dtype());
  const size_t width = size_t(dst.dim(1)) * elem, src_pitch = size_t(src.dim(1)) * elem;
  const char* from = static_cast<const char*>(src.raw()) + size_t(begin) * elem;
  char* to = static_cast<char*>(dst.raw());
  switch (src.device()) {
    case Device::kCpu:  // a plain row loop is the whole CPU kernel
      for (int64_t r = 0; r < src.dim(0); ++r) std::memcpy(to + size_t(r) * width, from + size_t(r) * src_pitch, width);
      return;
    case Device::kCuda:
      return cuda::copy_2d(from, src_pitch, to, width, width, size_t(src.dim(0)));
    default:
      unsupported_device("copy_columns", src.device());
  }
}

void copy_into_columns(const Tensor& src, Tensor& dst, int64_t begin) {
  require(src.rank() == 2 && dst.rank() == 2 && src.dtype() == dst.dtype() && src.device() == dst.device() &&
              src.dim(0) == dst.dim(0) && begin >= 0 && begin + src.dim(1) <= dst.dim(1),
          ErrorCode::kInternal,
          "copy_into_columns: " + shape_string(src.shape()) + " into column " + std::to_string(begin) + " of " +
              shape_string(dst.shape()) + " does not fit");
  const size_t elem = dtype_size(src.dtype());
  const size_t width = size_t(src.dim(1)) * elem, dst_pitch = size_t(dst.dim(1)) * elem;
  const char* from = static_cast<const char*>(src.raw());
  char* to = static_cast<char*>(dst.raw()) + size_t(begin) * elem;
  switch (src.device()) {
    case Device::kCpu:
      for (int64_t r = 0; r < src.dim(0); ++r) std::memcpy(to + size_t(r) * dst_pitch, from + size_t(r) * width, width);
      return;
    case Device::kCuda:
      return cuda::copy_2d(from, width, to, dst_pitch, width, size_t(src.dim(0)));
    default:
      unsupported_device("copy_into_columns", src.device());
  }
}

}  // namespace lightvl::ops
