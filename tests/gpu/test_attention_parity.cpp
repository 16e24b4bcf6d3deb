// CUDA parity of softmax attention: causal prefill with a past and GQA, long causal prefill, the
// non-causal ViT form, odd and maximal head dims, and decode over long caches where the key sequence is
// split across blocks, for f32 and bf16. The figure line names the kernel path: the tensor-core decode
// kernel (bf16, ≤ 16 query rows per KV head) or the prefill tensor-core kernels (bf16, head_dim 64/128),
// or CUDA cores, with the number of key slices where the keys are split.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "attention_case.h"
#include "backends/cuda/attention.h"
#include "backends/cuda/attention_decode.h"
#include "backends/cuda/device.h"
#include "gpu_test_util.h"
#include "ops/attention.h"

namespace lightvl {
namespace {
using test::random_values;
using test::to_gpu;

using Case = test::AttentionCase;

const Case kCases[] = {
    {"prefill_gqa_past", 21, 37, 58, true, 8, 2, 128},
    {"prefill_long", 200, 0, 200, true, 16, 2, 128},
    {"vit_noncausal", 50, 0, 50, false, 4, 4, 64},
    {"vit_clip_tokens", 577, 0, 577, false, 16, 16, 64},
    {"prefill_after_long_past", 100, 1000, 1100, true, 8, 2, 128},
    {"odd_head_dim", 9, 0, 9, true, 6, 3, 80},
    {"head_dim_256", 5, 35, 40, true, 2, 1, 256},
    {"decode_long_cache", 1, 4095, 4096, true, 8, 1, 128},
    {"decode_minimax_heads", 1, 2999, 3000, true, 64, 8, 128},
    {"short_prefill_long_past", 3, 1500, 1503, true, 8, 2, 128},
    {"cache_longer_than_needed", 4, 10, 30, true, 4, 2, 32},
    {"decode_32k_minimax_heads", 1, 32767, 32768, true, 64, 8, 128},
    {"decode_group_of_16", 1, 4000, 4001, true, 16, 1, 128},
    {"decode_two_tokens_head_dim_64_cache_longer", 2, 1300, 1600, true, 8, 1, 64},
};

using Param = std::tuple<DType, Case>;
class CudaAttention : public test::CudaTestWithParam<Param> {};

TEST_P(CudaAttention, MatchesCpu) {
  const auto [act, c] = GetParam();
  const test::AttentionInputs in = test::attention_inputs(c, act);
  const Tensor gk = to_gpu(in.k, act), gv = to_gpu(in.v, act);
  Tensor got = ops::empty(act, in.q.shape(), Device::kCuda);
  ops::attention(to_gpu(in.q, act), gk, gv, c.past, c.causal, in.scale, got);
  const int sms = cuda::list_devices().at(0).multiprocessors;
  const bool decode_kernel =
      c.causal && cuda::attention_decode_fits(act, c.tokens, c.q_heads, c.kv_heads, c.head_dim);
  const int splits = decode_kernel ? cuda::attention_decode_splits(c.kv_heads, c.past + c.tokens, sms)
                                   : cuda::attention_key_splits(c.tokens, c.q_heads, c.kv_heads, c.keys, sms);
  const bool tensor_cores = cuda::attention_uses_tensor_cores(act, c.tokens, c.q_heads, c.kv_heads, c.head_dim);
  const std::string slices = std::to_string(splits) + " key slice(s)";
  const std::string path = decode_kernel  ? "tensor-core decode, " + slices
                           : tensor_cores ? std::string("tensor cores")
                                          : "CUDA cores, " + slices;
  test::expect_parity(got, in.want, std::string("attention ") + c.name + " " + test::name_of(act) + " (" + path + ")", act);
  if (std::string(c.name).rfind("decode", 0) == 0) {
    EXPECT_EQ(decode_kernel, act == DType::kBF16) << "bf16 decode runs the tensor-core decode kernel, f32 CUDA cores";
    EXPECT_FALSE(tensor_cores);
    EXPECT_GT(splits, 1) << "the decode cases are meant to exercise the split-key path";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, CudaAttention,
                         ::testing::Combine(::testing::Values(DType::kF32, DType::kBF16), ::testing::ValuesIn(kCases)),
                         [](const auto& info) {
                           return test::name_of(std::get<0>(info.param)) + "_" + std::get<1>(info.param).name;
                         });

}  // namespace
}  // namespace lightvl
