#include "ops/moe_checks.h"

#include <string>

#include "ops/dispatch.h"

namespace lightvl::ops {
namespace {

// Throws Error(kInternal) naming expert `index` unless its weights have the shapes of a
// [hidden] → [inter] → [hidden] SwiGLU expert.
void expect_expert_shapes(const char* op, const MoeExpert& e, size_t index, int64_t hidden, int64_t inter) {
  const auto is = [](const Tensor& t, int64_t rows, int64_t cols) {
    return t.rank() == 2 && t.dim(0) == rows && t.dim(1) == cols;
  };
  if (is(*e.gate, inter, hidden) && is(*e.up, inter, hidden) && is(*e.down, hidden, inter)) return;
  const std::string in = shape_string({inter, hidden});
  fail(ErrorCode::kInternal, std::string(op) + ": expert " + std::to_string(index) + " has gate " +
                                 shape_string(e.gate->shape()) + ", up " + shape_string(e.up->shape()) + ", down " +
                                 shape_string(e.down->shape()) + "; expected " + in + ", " + in + ", " +
                                 shape_string({hidden, inter}) + " (hidden from the input, I from expert 0's gate)");
}

}  // namespace

bool moe_float_weights_alike(const std::vector<MoeExpert>& experts, Device device) {
  if (experts.empty() || !experts[0].gate) return false;
  const DType dtype = experts[0].gate->dtype();
  if (!is_float_weight(dtype)) return false;
  for (const MoeExpert& e : experts) {
    for (const Tensor* w : {e.gate, e.up, e.down}) {
      if (!w || w->dtype() != dtype || w->device() != device) return false;
    }
  }
  return true;
}

int64_t check_moe_operands(const char* op, const Tensor& x, const Tensor& router_logits, int top_k,
                           const std::vector<MoeExpert>& experts, const Tensor& out) {
  expect_activation(op, "input", x, 2);
  expect_activation(op, "router logits", router_logits, 2);
  expect_device(op, "router logits", router_logits, x.device());
  expect_like(op, "output", out, x);
  expect_shape(op, "output", out, x.shape());
  const int64_t tokens = x.dim(0), hidden = x.dim(1), num_experts = int64_t(experts.size());
  if (out.raw() == x.raw() && x.numel() > 0) {
    fail(ErrorCode::kInternal, std::string(op) + ": output aliases the input");
  }
  if (router_logits.dim(0) != tokens || router_logits.dim(1) != num_experts) {
    fail(ErrorCode::kInternal, std::string(op) + ": router logits " + shape_string(router_logits.shape()) +
                                   " do not match " + std::to_string(tokens) + " tokens and " +
                                   std::to_string(num_experts) + " experts");
  }
  if (top_k <= 0 || top_k > num_experts) {
    fail(ErrorCode::kInternal, std::string(op) + ": top_k " + std::to_string(top_k) + " is not within 1.." +
                                   std::to_string(num_experts));
  }
  for (size_t i = 0; i < experts.size(); ++i) {
    if (!experts[i].gate || !experts[i].up || !experts[i].down) {
      fail(ErrorCode::kInternal, std::string(op) + ": expert " + std::to_string(i) + " lacks a weight");
    }
  }
  const Tensor& first = *experts[0].gate;
  expect_float_weight(op, first);
  expect_device(op, "expert weight", first, x.device());
  if (!moe_float_weights_alike(experts, x.device())) {
    fail(ErrorCode::kInternal, std::string(op) +
                                   ": the expert weights must all have one float dtype and the input's device "
                                   "(expert 0's gate '" + first.name() + "' is " + dtype_name(first.dtype()) +
                                   " on " + device_name(first.device()) + ")");
  }
  const int64_t inter = first.rank() == 2 ? first.dim(0) : -1;
  for (size_t i = 0; i < experts.size(); ++i) expect_expert_shapes(op, experts[i], i, hidden, inter);
  return inter;
}

}  // namespace lightvl::ops
