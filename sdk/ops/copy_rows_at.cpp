#include "ops/copy_rows_at.h"

#include <cstring>

#include "backends/cuda/copy_rows_at.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void copy_rows_at(const Tensor& src, const Tensor& first_row, Tensor& dst) {
  bool same_rows = src.rank() == dst.rank() && src.rank() >= 1;
  for (int i = 1; same_rows && i < src.rank(); ++i) same_rows = src.dim(i) == dst.dim(i);
  require(same_rows && src.dtype() == dst.dtype(), ErrorCode::kInternal,
          "copy_rows_at: rows of " + shape_string(src.shape()) + " do not match rows of " + shape_string(dst.shape()));
  expect_device("copy_rows_at", "source", src, dst.device());
  expect_device("copy_rows_at", "row index", first_row, dst.device());
  require(first_row.numel() == 1 && first_row.dtype() == DType::kI64, ErrorCode::kInternal,
          "copy_rows_at: the row index must be one int64");
  const int64_t rows = src.rank() ? src.dim(0) : 0;
  const int64_t row_bytes = rows ? int64_t(src.nbytes()) / rows : 0;
  switch (dst.device()) {
    case Device::kCpu: {  // one memcpy is the whole CPU kernel
      const int64_t first = *first_row.data<int64_t>();
      require(first >= 0 && first + rows <= dst.dim(0), ErrorCode::kInvalidArgument,
              "copy_rows_at: rows " + std::to_string(first) + ".." + std::to_string(first + rows) +
                  " do not fit a buffer of " + std::to_string(dst.dim(0)) + " rows");
      if (rows) std::memcpy(static_cast<char*>(dst.raw()) + first * row_bytes, src.raw(), size_t(rows * row_bytes));
      return;
    }
    case Device::kCuda:
      return cuda::copy_rows_at(src.raw(), rows, row_bytes, first_row.data<int64_t>(), dst.raw(), dst.dim(0));
  }
}

}  // namespace lightvl::ops
