#pragma once
#include "ops/moe.h"

namespace lightvl::cpu {
// CPU kernels of the ops in ops/moe.h (arguments already checked there).
ops::Routing moe_route(const Tensor& router_logits, int top_k);
void gather_rows(const Tensor& x, const std::vector<int32_t>& rows, Tensor& out);
void scatter_add_rows(const Tensor& y, const std::vector<int32_t>& rows, const std::vector<float>& scales,
                      Tensor& acc);
}  // namespace lightvl::cpu
