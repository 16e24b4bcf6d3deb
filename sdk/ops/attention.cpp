#include "ops/attention.h"

#include "backends/cpu/attention_cpu.h"
#include "backends/cuda/attention.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
               Tensor& out) {
  expect_activation("attention", "q", q, 3);
  expect_activation("attention", "k", k, 3);
  expect_like("attention", "k", k, q);
  expect_like("attention", "v", v, q);
  expect_like("attention", "out", out, q);
  expect_shape("attention", "v", v, k.shape());
  expect_shape("attention", "out", out, q.shape());
  require(k.dim(2) == q.dim(2) && k.dim(1) > 0 && q.dim(1) % k.dim(1) == 0, ErrorCode::kInternal,
          "attention: q " + shape_string(q.shape()) + " and k " + shape_string(k.shape()) + " do not form GQA");
  require(!causal || (past >= 0 && k.dim(0) >= past + q.dim(0)), ErrorCode::kInternal,
          "attention: the key cache is shorter than past + new tokens");
  switch (q.device()) {
    case Device::kCpu: return cpu::attention(q, k, v, past, causal, scale, out);
    case Device::kCuda: return cuda::attention(q, k, v, past, causal, scale, out);
  }
}

}  // namespace lightvl::ops
