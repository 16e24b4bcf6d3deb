#include "ops/lightning_attention.h"

#include "backends/cpu/lightning_attention_cpu.h"
#include "backends/cuda/lightning_attention.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void lightning_attention(const Tensor& q, const Tensor& k, const Tensor& v, const std::vector<float>& decay_rates,
                         int block_size, Tensor& state, Tensor& out) {
  expect_activation("lightning_attention", "q", q, 3);
  expect_like("lightning_attention", "k", k, q);
  expect_like("lightning_attention", "v", v, q);
  expect_like("lightning_attention", "out", out, q);
  expect_shape("lightning_attention", "k", k, q.shape());
  expect_shape("lightning_attention", "v", v, q.shape());
  expect_shape("lightning_attention", "out", out, q.shape());
  expect_f32("lightning_attention", "state", state, 3);
  expect_device("lightning_attention", "state", state, q.device());
  expect_shape("lightning_attention", "state", state, {q.dim(1), q.dim(2), q.dim(2)});
  require(int64_t(decay_rates.size()) == q.dim(1) && block_size > 0, ErrorCode::kInternal,
          "lightning_attention: one decay rate per head and a positive block size are required");
  switch (q.device()) {
    case Device::kCpu: return cpu::lightning_attention(q, k, v, decay_rates, block_size, state, out);
    case Device::kCuda: return cuda::lightning_attention(q, k, v, decay_rates, block_size, state, out);
  }
}

}  // namespace lightvl::ops
