#include "ops/argmax.h"

#include <algorithm>

#include "backends/cuda/argmax.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

std::vector<int32_t> argmax_rows(const Tensor& x) {
  expect_activation("argmax_rows", "input", x, 2);
  require(x.dim(1) >= 1, ErrorCode::kInternal, "argmax_rows: rows must have at least one entry");
  const int64_t rows = x.dim(0), cols = x.dim(1);
  std::vector<int32_t> ids(size_t(rows), 0);
  switch (x.device()) {
    case Device::kCpu:  // f32 (expect_activation); a scan per row, so the dispatch file is the CPU kernel
      for (int64_t r = 0; r < rows; ++r) {
        const float* values = x.data<float>() + r * cols;
        ids[size_t(r)] = int32_t(std::max_element(values, values + cols) - values);
      }
      return ids;
    case Device::kCuda: cuda::argmax_rows(x, ids); return ids;
  }
  return ids;
}

}  // namespace lightvl::ops
