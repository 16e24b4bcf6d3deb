// CUDA parity of the FlashAttention-2-style bf16 kernel (cuda::attention_flash, what ops::attention runs
// for bf16 prefill): against the f32 CPU ops::attention on bf16-representable inputs, over query tails
// (T = 1..3, 65), exact tiles (64), causal prefill with and without a past, non-causal with S ≠ T, the
// ViT form (577 positions, d = 64, non-causal), and the GQA groups 8/2 and 64/8; then against the
// older tensor-core kernel at T = 1024; then ops::attention_sequences (stacked ViT tiles in one launch,
// and the per-sequence fallback) against the CPU. Tolerance: test::tolerance(bf16), as the other tests.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "attention_case.h"
#include "backends/cuda/attention.h"
#include "backends/cuda/attention_flash.h"
#include "gpu_test_util.h"
#include "ops/attention.h"
#include "ops/device_memory.h"

namespace lightvl {
namespace {
using test::random_values;
using test::to_gpu;

using FlashCase = test::AttentionCase;

const FlashCase kFlashCases[] = {
    {"t1_causal", 1, 0, 1, true, 8, 2, 128},
    {"t2_after_past", 2, 5, 7, true, 8, 2, 128},
    {"t3_d64", 3, 0, 3, true, 8, 2, 64},
    {"t3_noncausal_long_keys", 3, 0, 130, false, 8, 2, 128},
    {"t64_one_tile", 64, 0, 64, true, 8, 2, 128},
    {"t65_tile_tail", 65, 0, 65, true, 64, 8, 128},
    {"t200_minimax_heads", 200, 0, 200, true, 64, 8, 128},
    {"t100_noncausal_s150", 100, 0, 150, false, 8, 2, 128},
    {"t70_cache_longer_than_needed", 70, 10, 100, true, 8, 2, 64},
    {"vit_577_noncausal_d64", 577, 0, 577, false, 16, 16, 64},
    {"t1000_causal", 1000, 0, 1000, true, 8, 2, 128},
    {"t1000_past300", 1000, 300, 1300, true, 8, 2, 128},
};

class CudaAttentionFlash : public test::CudaTestWithParam<FlashCase> {};

TEST_P(CudaAttentionFlash, MatchesCpu) {
  const FlashCase c = GetParam();
  const DType act = DType::kBF16;
  const test::AttentionInputs in = test::attention_inputs(c, act);
  const Tensor gq = to_gpu(in.q, act), gk = to_gpu(in.k, act), gv = to_gpu(in.v, act);
  Tensor got = ops::empty(act, in.q.shape(), Device::kCuda);
  ASSERT_TRUE(cuda::attention_flash_supported(gq, gk, gv, got));
  cuda::attention_flash(gq, gk, gv, c.past, c.causal, in.scale, got);
  test::expect_parity(got, in.want, std::string("attention-flash ") + c.name + " bf16", act);
}

INSTANTIATE_TEST_SUITE_P(Cases, CudaAttentionFlash, ::testing::ValuesIn(kFlashCases),
                         [](const auto& info) { return std::string(info.param.name); });

// The new kernel against the tensor-core kernel that ops::attention uses for bf16 prefill today, at
// MiniMax heads (64q/8kv × 128, causal, T = 1024): both round P to bf16, so they agree within the
// bf16 tolerance (the reference here is itself a bf16 output).
class CudaAttentionFlashVsTensorCores : public test::CudaTest {};

TEST_F(CudaAttentionFlashVsTensorCores, AgreesAtT1024) {
  const DType act = DType::kBF16;
  const int64_t t = 1024, hq = 64, hkv = 8, d = 128;
  ASSERT_TRUE(cuda::attention_uses_tensor_cores(act, t, hq, hkv, d));
  const Tensor gq = to_gpu(random_values({t, hq, d}, 31, 2.0f, act), act);
  const Tensor gk = to_gpu(random_values({t, hkv, d}, 32, 1.0f, act), act);
  const Tensor gv = to_gpu(random_values({t, hkv, d}, 33, 1.0f, act), act);
  const float scale = 1.0f / std::sqrt(float(d));
  Tensor tensor_cores = ops::empty(act, {t, hq, d}, Device::kCuda);
  ops::attention(gq, gk, gv, 0, true, scale, tensor_cores);
  Tensor flash = ops::empty(act, {t, hq, d}, Device::kCuda);
  cuda::attention_flash(gq, gk, gv, 0, true, scale, flash);
  test::expect_parity(flash, test::to_host_f32(tensor_cores), "attention-flash vs tensor cores T=1024 64q/8kv x128",
                      act);
}

// ops::attention_sequences on CUDA (bf16) against the CPU op (f32, one ops::attention per sequence):
// 5 ViT-like tiles of 100 positions in one flash launch, and 3 sequences of 20 (below a query tile: the
// per-sequence fallback), 16 heads of 64, non-causal.
class CudaAttentionSequences : public test::CudaTest {};

TEST_F(CudaAttentionSequences, MatchCpu) {
  const DType act = DType::kBF16;
  struct Case { int64_t sequences, tokens; bool one_launch; };
  for (const Case c : {Case{5, 100, true}, Case{3, 20, false}}) {
    const int64_t rows = c.sequences * c.tokens, heads = 16, d = 64;
    const Tensor q = to_gpu(random_values({rows, heads, d}, 41, 1.0f, act), act);
    const Tensor k = to_gpu(random_values({rows, heads, d}, 42, 1.0f, act), act);
    const Tensor v = to_gpu(random_values({rows, heads, d}, 43, 1.0f, act), act);
    const Tensor hq = test::to_host_f32(q), hk = test::to_host_f32(k), hv = test::to_host_f32(v);
    Tensor want = Tensor::zeros(DType::kF32, {rows, heads, d});
    ops::attention_sequences(hq, hk, hv, c.sequences, 0.125f, want);
    Tensor got = ops::empty(act, {rows, heads, d}, Device::kCuda);
    EXPECT_EQ(cuda::attention_sequences_in_one_launch(q, k, v, c.sequences, got), c.one_launch);
    ops::attention_sequences(q, k, v, c.sequences, 0.125f, got);
    test::expect_parity(got, want,
                        "attention_sequences " + std::to_string(c.sequences) + " x " + std::to_string(c.tokens) + " bf16",
                        act);
  }
}

}  // namespace
}  // namespace lightvl
