#include "ops/rope.h"

#include "backends/cpu/rope_cpu.h"
#include "backends/cuda/rope.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void rope_inplace(Tensor& x, const std::vector<int64_t>& positions, int rotary_dim, double theta) {
  expect_activation("rope", "input", x, 3);
  require(int64_t(positions.size()) == x.dim(0), ErrorCode::kInternal, "rope: one position per token expected");
  require(rotary_dim >= 0 && rotary_dim % 2 == 0 && rotary_dim <= x.dim(2), ErrorCode::kInternal,
          "rope: rotary_dim " + std::to_string(rotary_dim) + " must be even and <= head_dim " +
              std::to_string(x.dim(2)));
  switch (x.device()) {
    case Device::kCpu: return cpu::rope_inplace(x, positions, rotary_dim, theta);
    case Device::kCuda: return cuda::rope_inplace(x, positions, rotary_dim, theta);
  }
}

}  // namespace lightvl::ops
