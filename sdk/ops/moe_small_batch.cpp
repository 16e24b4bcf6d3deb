#include "ops/moe_small_batch.h"

#include <string>

#include "backends/cpu/moe_small_batch_cpu.h"
#include "backends/cuda/moe_small_batch.h"
#include "ops/dispatch.h"

namespace lightvl::ops {
namespace {

constexpr const char* kOp = "moe_experts_small_batch";

// True when every expert has three float weights of experts[0].gate's dtype on `device`.
bool float_weights_alike(const std::vector<MoeExpert>& experts, Device device) {
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

// Throws Error(kInternal) naming expert `index` unless its weights have the shapes of a
// [hidden] → [inter] → [hidden] SwiGLU expert. (Checked without building strings on success: this runs
// for every expert on every decode step.)
void expect_expert_shapes(const MoeExpert& e, size_t index, int64_t hidden, int64_t inter) {
  const auto is = [](const Tensor& t, int64_t rows, int64_t cols) {
    return t.rank() == 2 && t.dim(0) == rows && t.dim(1) == cols;
  };
  if (is(*e.gate, inter, hidden) && is(*e.up, inter, hidden) && is(*e.down, hidden, inter)) return;
  const std::string in = shape_string({inter, hidden});
  fail(ErrorCode::kInternal, std::string(kOp) + ": expert " + std::to_string(index) + " has gate " +
                                 shape_string(e.gate->shape()) + ", up " + shape_string(e.up->shape()) + ", down " +
                                 shape_string(e.down->shape()) + "; expected " + in + ", " + in + ", " +
                                 shape_string({hidden, inter}) + " (hidden from the input, I from expert 0's gate)");
}

}  // namespace

bool moe_experts_small_batch_supported(const Tensor& x, int top_k, const std::vector<MoeExpert>& experts) {
  if (!float_weights_alike(experts, x.device())) return false;
  if (top_k <= 0 || x.rank() != 2 || x.dim(0) * top_k > kMoeSmallBatchMaxPairs) return false;
  switch (x.device()) {
    case Device::kCpu: return true;
    case Device::kCuda: return cuda::moe_experts_small_batch_supported(x, top_k, experts);
  }
  return false;
}

void moe_experts_small_batch(const Tensor& x, const Tensor& router_logits, int top_k,
                             const std::vector<MoeExpert>& experts, Tensor& out) {
  // Checked with `if` rather than require(): the messages are only built on failure (every decode step
  // of every MoE layer passes here).
  expect_activation(kOp, "input", x, 2);
  expect_activation(kOp, "router logits", router_logits, 2);
  expect_device(kOp, "router logits", router_logits, x.device());
  expect_like(kOp, "output", out, x);
  expect_shape(kOp, "output", out, x.shape());
  const int64_t tokens = x.dim(0), hidden = x.dim(1), num_experts = int64_t(experts.size());
  if (out.raw() == x.raw() && x.numel() > 0) {
    fail(ErrorCode::kInternal, std::string(kOp) + ": output aliases the input");
  }
  if (router_logits.dim(0) != tokens || router_logits.dim(1) != num_experts) {
    fail(ErrorCode::kInternal, std::string(kOp) + ": router logits " + shape_string(router_logits.shape()) +
                                   " do not match " + std::to_string(tokens) + " tokens and " +
                                   std::to_string(num_experts) + " experts");
  }
  if (top_k <= 0 || top_k > num_experts) {
    fail(ErrorCode::kInternal, std::string(kOp) + ": top_k " + std::to_string(top_k) + " is not within 1.." +
                                   std::to_string(num_experts));
  }
  for (size_t i = 0; i < experts.size(); ++i) {
    if (!experts[i].gate || !experts[i].up || !experts[i].down) {
      fail(ErrorCode::kInternal, std::string(kOp) + ": expert " + std::to_string(i) + " lacks a weight");
    }
  }
  const Tensor& first = *experts[0].gate;
  expect_float_weight(kOp, first);
  expect_device(kOp, "expert weight", first, x.device());
  if (!float_weights_alike(experts, x.device())) {
    fail(ErrorCode::kInternal, std::string(kOp) +
                                   ": the expert weights must all have one float dtype and the input's device "
                                   "(expert 0's gate '" + first.name() + "' is " + dtype_name(first.dtype()) +
                                   " on " + device_name(first.device()) + ")");
  }
  const int64_t inter = first.rank() == 2 ? first.dim(0) : -1;
  for (size_t i = 0; i < experts.size(); ++i) expect_expert_shapes(experts[i], i, hidden, inter);
  if (!moe_experts_small_batch_supported(x, top_k, experts)) {
    fail(ErrorCode::kUnsupported,
         std::string(kOp) + ": " + std::to_string(tokens) + " tokens x top_k " + std::to_string(top_k) + ", " +
             std::to_string(num_experts) + " experts, hidden " + std::to_string(hidden) + ", intermediate " +
             std::to_string(inter) + " on " + device_name(x.device()) +
             " is outside this op's limits (see ops/moe_small_batch.h); use the ops/moe.h path");
  }
  if (tokens == 0) return;
  switch (x.device()) {
    case Device::kCpu: return cpu::moe_experts_small_batch(x, router_logits, top_k, experts, out);
    case Device::kCuda: return cuda::moe_experts_small_batch(x, router_logits, top_k, experts, out);
  }
  unsupported_device(kOp, x.device());
}

}  // namespace lightvl::ops
