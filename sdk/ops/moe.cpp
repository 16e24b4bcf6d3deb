#include "ops/moe.h"

#include "backends/cpu/moe_cpu.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

Routing moe_route(const Tensor& router_logits, int top_k) {
  expect_f32("moe_route", "router logits", router_logits, 2);
  require(top_k > 0 && top_k <= router_logits.dim(1), ErrorCode::kInternal,
          "moe_route: top_k " + std::to_string(top_k) + " is not within 1.." + std::to_string(router_logits.dim(1)));
  if (router_logits.device() != Device::kCpu) unsupported_device("moe_route", router_logits.device());
  return cpu::moe_route(router_logits, top_k);
}

void gather_rows(const Tensor& x, const std::vector<int32_t>& rows, Tensor& out) {
  expect_f32("gather_rows", "input", x, 2);
  expect_shape("gather_rows", "output", out, {int64_t(rows.size()), x.dim(1)});
  for (int32_t r : rows) {
    require(r >= 0 && r < x.dim(0), ErrorCode::kInternal, "gather_rows: row index out of range");
  }
  if (x.device() != Device::kCpu) unsupported_device("gather_rows", x.device());
  cpu::gather_rows(x, rows, out);
}

void scatter_add_rows(const Tensor& y, const std::vector<int32_t>& rows, const std::vector<float>& scales,
                      Tensor& acc) {
  expect_f32("scatter_add_rows", "input", y, 2);
  expect_f32("scatter_add_rows", "accumulator", acc, 2);
  require(y.dim(0) == int64_t(rows.size()) && rows.size() == scales.size() && y.dim(1) == acc.dim(1),
          ErrorCode::kInternal, "scatter_add_rows: rows, scales and input disagree");
  for (int32_t r : rows) {
    require(r >= 0 && r < acc.dim(0), ErrorCode::kInternal, "scatter_add_rows: row index out of range");
  }
  if (y.device() != Device::kCpu) unsupported_device("scatter_add_rows", y.device());
  cpu::scatter_add_rows(y, rows, scales, acc);
}

}  // namespace lightvl::ops
