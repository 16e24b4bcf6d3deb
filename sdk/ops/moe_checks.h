// Operand checks shared by the fused MoE ops (ops/moe_small_batch.h, ops/moe_grouped.h). Internal to
// the ops layer.
#pragma once

#include <vector>

#include "core/tensor.h"
#include "ops/moe_small_batch.h"  // MoeExpert

namespace lightvl::ops {

// True when every expert has three float weights of experts[0].gate's dtype on `device`. Never throws.
bool moe_float_weights_alike(const std::vector<MoeExpert>& experts, Device device);

// Checks the operands of a fused MoE op named `op` (see ops/moe_small_batch.h for the contract): x and
// out [T, hidden] activations alike, router_logits [T, E] on x's device, 0 < top_k ≤ E, every expert
// complete, of one float dtype on x's device and shaped [I, hidden], [I, hidden], [hidden, I], out not
// aliasing x. Returns I. Throws Error(kInternal) naming the offending operand. (Checked with `if`, the
// messages built only on failure: this runs for every MoE layer of every step.)
int64_t check_moe_operands(const char* op, const Tensor& x, const Tensor& router_logits, int top_k,
                           const std::vector<MoeExpert>& experts, const Tensor& out);

}  // namespace lightvl::ops
