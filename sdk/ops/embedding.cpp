#include "ops/embedding.h"

#include "backends/cuda/embedding.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void embedding(const std::vector<int32_t>& ids, const Tensor& table, Tensor& out) {
  expect_float_weight("embedding", table);
  require(table.rank() == 2, ErrorCode::kInternal, "embedding: table must be [vocab, hidden]");
  expect_activation("embedding", "output", out, 2);
  expect_device("embedding", "table", table, out.device());
  expect_shape("embedding", "output", out, {int64_t(ids.size()), table.dim(1)});
  const int64_t vocab = table.dim(0), cols = table.dim(1);
  for (size_t t = 0; t < ids.size(); ++t) {
    require(ids[t] >= 0 && ids[t] < vocab, ErrorCode::kInvalidArgument,
            "token id " + std::to_string(ids[t]) + " at position " + std::to_string(t) +
                " is outside the vocabulary [0, " + std::to_string(vocab) + "); check the ids you passed");
  }
  switch (table.device()) {
    case Device::kCpu: {
      // A row copy with widening: small enough that the dispatch file is also the CPU kernel.
      const size_t elem = dtype_size(table.dtype());
      for (size_t t = 0; t < ids.size(); ++t) {
        convert_to_f32(table.dtype(), static_cast<const char*>(table.raw()) + size_t(ids[t]) * size_t(cols) * elem,
                       out.data<float>() + int64_t(t) * cols, size_t(cols));
      }
      return;
    }
    case Device::kCuda: return cuda::embedding(ids, table, out);
  }
}

}  // namespace lightvl::ops
