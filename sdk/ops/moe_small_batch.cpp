#include "ops/moe_small_batch.h"

#include <string>

#include "backends/cpu/moe_small_batch_cpu.h"
#include "backends/cuda/moe_small_batch.h"
#include "ops/dispatch.h"
#include "ops/moe_checks.h"

namespace lightvl::ops {
namespace {

constexpr const char* kOp = "moe_experts_small_batch";

}  // namespace

bool moe_experts_small_batch_supported(const Tensor& x, int top_k, const std::vector<MoeExpert>& experts) {
  if (!moe_float_weights_alike(experts, x.device())) return false;
  if (top_k <= 0 || x.rank() != 2 || x.dim(0) * top_k > kMoeSmallBatchMaxPairs) return false;
  switch (x.device()) {
    case Device::kCpu: return true;
    case Device::kCuda: return cuda::moe_experts_small_batch_supported(x, top_k, experts);
  }
  return false;
}

void moe_experts_small_batch(const Tensor& x, const Tensor& router_logits, int top_k,
                             const std::vector<MoeExpert>& experts, Tensor& out) {
  const int64_t inter = check_moe_operands(kOp, x, router_logits, top_k, experts, out);
  const int64_t tokens = x.dim(0), hidden = x.dim(1), num_experts = int64_t(experts.size());
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
