#include "ops/moe.h"

#include "backends/cpu/moe_cpu.h"
#include "backends/cuda/moe.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

Routing moe_route(const Tensor& router_logits, int top_k) {
  expect_activation("moe_route", "router logits", router_logits, 2);
  require(top_k > 0 && top_k <= router_logits.dim(1), ErrorCode::kInternal,
          "moe_route: top_k " + std::to_string(top_k) + " is not within 1.." + std::to_string(router_logits.dim(1)));
  switch (router_logits.device()) {
    case Device::kCpu: return cpu::moe_route(router_logits, top_k);
    case Device::kCuda: return cuda::moe_route(router_logits, top_k);
  }
  unsupported_device("moe_route", router_logits.device());
}

void gather_rows(const Tensor& x, const std::vector<int32_t>& rows, Tensor& out) {
  expect_activation("gather_rows", "input", x, 2);
  expect_like("gather_rows", "output", out, x);
  expect_shape("gather_rows", "output", out, {int64_t(rows.size()), x.dim(1)});
  for (int32_t r : rows) {
    require(r >= 0 && r < x.dim(0), ErrorCode::kInternal, "gather_rows: row index out of range");
  }
  switch (x.device()) {
    case Device::kCpu: return cpu::gather_rows(x, rows, out);
    case Device::kCuda: return cuda::gather_rows(x, rows, out);
  }
}

void scatter_add_rows(const Tensor& y, const std::vector<int32_t>& rows, const std::vector<float>& scales,
                      Tensor& acc) {
  expect_activation("scatter_add_rows", "input", y, 2);
  expect_activation("scatter_add_rows", "accumulator", acc, 2);
  expect_like("scatter_add_rows", "accumulator", acc, y);
  require(y.dim(0) == int64_t(rows.size()) && rows.size() == scales.size() && y.dim(1) == acc.dim(1),
          ErrorCode::kInternal, "scatter_add_rows: rows, scales and input disagree");
  for (int32_t r : rows) {
    require(r >= 0 && r < acc.dim(0), ErrorCode::kInternal, "scatter_add_rows: row index out of range");
  }
  switch (y.device()) {
    case Device::kCpu: return cpu::scatter_add_rows(y, rows, scales, acc);
    case Device::kCuda: return cuda::scatter_add_rows(y, rows, scales, acc);
  }
}

}  // namespace lightvl::ops
