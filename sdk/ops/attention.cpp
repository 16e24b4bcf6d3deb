#include "ops/attention.h"

#include "backends/cpu/attention_cpu.h"
#include "backends/cuda/attention.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

namespace {

// The operand checks both entry points share (shapes, dtypes, devices, GQA).
void check_operands(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out) {
  expect_activation("attention", "q", q, 3);
  expect_activation("attention", "k", k, 3);
  expect_like("attention", "k", k, q);
  expect_like("attention", "v", v, q);
  expect_like("attention", "out", out, q);
  expect_shape("attention", "v", v, k.shape());
  expect_shape("attention", "out", out, q.shape());
  require(k.dim(2) == q.dim(2) && k.dim(1) > 0 && q.dim(1) % k.dim(1) == 0, ErrorCode::kInternal,
          "attention: q " + shape_string(q.shape()) + " and k " + shape_string(k.shape()) + " do not form GQA");
}

}  // namespace

void attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
               Tensor& out) {
  check_operands(q, k, v, out);
  require(!causal || (past >= 0 && k.dim(0) >= past + q.dim(0)), ErrorCode::kInternal,
          "attention: the key cache is shorter than past + new tokens");
  switch (q.device()) {
    case Device::kCpu: return cpu::attention(q, k, v, past, causal, scale, out);
    case Device::kCuda: return cuda::attention(q, k, v, past, causal, scale, out);
  }
}

void cached_attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, const Tensor& past, float scale,
                      Tensor& out) {
  check_operands(q, k_cache, v_cache, out);
  expect_device("cached_attention", "past", past, q.device());
  require(past.numel() == 1 && past.dtype() == DType::kI64, ErrorCode::kInternal,
          "cached_attention: past must be one int64");
  switch (q.device()) {
    case Device::kCpu: {  // the value is at hand: slice the filled rows and run the plain kernel
      const int64_t filled = *past.data<int64_t>() + q.dim(0);
      require(*past.data<int64_t>() >= 0 && filled <= k_cache.dim(0), ErrorCode::kInvalidArgument,
              "cached_attention: " + std::to_string(filled) + " positions do not fit a cache of " +
                  std::to_string(k_cache.dim(0)));
      return cpu::attention(q, k_cache.slice_rows(0, filled), v_cache.slice_rows(0, filled), filled - q.dim(0),
                            /*causal=*/true, scale, out);
    }
    case Device::kCuda: return cuda::cached_attention(q, k_cache, v_cache, past, scale, out);
  }
}

void attention_sequences(const Tensor& q, const Tensor& k, const Tensor& v, int64_t sequences, float scale,
                         Tensor& out) {
  check_operands(q, k, v, out);
  require(sequences >= 1 && q.dim(0) % sequences == 0 && k.dim(0) % sequences == 0, ErrorCode::kInternal,
          "attention_sequences: " + std::to_string(sequences) + " sequences do not divide q " +
              shape_string(q.shape()) + " and k " + shape_string(k.shape()));
  if (q.device() == Device::kCuda && cuda::attention_sequences_in_one_launch(q, k, v, sequences, out)) {
    return cuda::attention_sequences(q, k, v, sequences, scale, out);
  }
  const int64_t t = q.dim(0) / sequences, s = k.dim(0) / sequences;
  for (int64_t i = 0; i < sequences; ++i) {
    Tensor rows = out.slice_rows(i * t, (i + 1) * t);
    attention(q.slice_rows(i * t, (i + 1) * t), k.slice_rows(i * s, (i + 1) * s), v.slice_rows(i * s, (i + 1) * s),
              /*past=*/0, /*causal=*/false, scale, rows);
  }
}

}  // namespace lightvl::ops
