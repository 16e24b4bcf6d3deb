#include "ops/rope.h"

#include "backends/cpu/rope_cpu.h"
#include "backends/cuda/rope.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

namespace {
void check_rope(const Tensor& x, int64_t positions, int rotary_dim) {
  expect_activation("rope", "input", x, 3);
  require(positions == x.dim(0), ErrorCode::kInternal, "rope: one position per token expected");
  require(rotary_dim >= 0 && rotary_dim % 2 == 0 && rotary_dim <= x.dim(2), ErrorCode::kInternal,
          "rope: rotary_dim " + std::to_string(rotary_dim) + " must be even and <= head_dim " +
              std::to_string(x.dim(2)));
}
}  // namespace

void rope_inplace(Tensor& x, const std::vector<int64_t>& positions, int rotary_dim, double theta) {
  check_rope(x, int64_t(positions.size()), rotary_dim);
  switch (x.device()) {
    case Device::kCpu: return cpu::rope_inplace(x, positions, rotary_dim, theta);
    case Device::kCuda: return cuda::rope_inplace(x, positions, rotary_dim, theta);
  }
}

void rope_inplace(Tensor& x, const Tensor& positions, int rotary_dim, double theta) {
  require(positions.rank() == 1 && positions.dtype() == DType::kI64, ErrorCode::kInternal,
          "rope: positions must be an int64 vector");
  expect_device("rope", "positions", positions, x.device());
  check_rope(x, positions.dim(0), rotary_dim);
  switch (x.device()) {
    case Device::kCpu: {
      const int64_t* p = positions.data<int64_t>();
      return cpu::rope_inplace(x, std::vector<int64_t>(p, p + positions.dim(0)), rotary_dim, theta);
    }
    case Device::kCuda: return cuda::rope_inplace(x, positions, rotary_dim, theta);
  }
}

}  // namespace lightvl::ops
