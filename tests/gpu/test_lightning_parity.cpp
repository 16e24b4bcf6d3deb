// CUDA parity of lightning attention (output and final f32 state) against the CPU kernel: the chunked
// path over several block sizes with a non-zero incoming state, MiniMax's head dim with two blocks, the
// recurrent decode step, and a sequence split over calls that alternate between the two paths.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "backends/cuda/lightning_attention.h"
#include "gpu_test_util.h"
#include "ops/lightning_attention.h"

namespace lightvl {
namespace {
using test::expect_parity;
using test::random_values;
using test::to_gpu;

// MiniMax's decay rates for `heads` heads at global layer `layer` of 80 (spec §3.2).
std::vector<float> minimax_rates(int heads, int layer) {
  std::vector<float> rates;
  for (int h = 0; h < heads; ++h) {
    rates.push_back(float(std::pow(2.0, -8.0 * (h + 1) / heads) * (1.0 - layer / 79.0 + 1e-5)));
  }
  return rates;
}

struct Inputs {
  Tensor q, k, v, state;
};

Inputs make_inputs(int64_t tokens, int64_t heads, int64_t d, DType act, uint32_t seed) {
  return {random_values({tokens, heads, d}, seed, 0.5f, act), random_values({tokens, heads, d}, seed + 1, 0.5f, act),
          random_values({tokens, heads, d}, seed + 2, 1.0f, act), random_values({heads, d, d}, seed + 3, 0.3f, DType::kF32)};
}

// Runs the op on the CPU (f32) and on CUDA (`act`) from the same inputs and compares output and state.
void check(const Inputs& in, const std::vector<float>& rates, int block, DType act, const std::string& label) {
  Tensor want_state = in.state.clone();
  Tensor want = Tensor::zeros(DType::kF32, in.q.shape());
  ops::lightning_attention(in.q, in.k, in.v, rates, block, want_state, want);

  Tensor got_state = ops::to_device(in.state, Device::kCuda);
  Tensor got = ops::empty(act, in.q.shape(), Device::kCuda);
  ops::lightning_attention(to_gpu(in.q, act), to_gpu(in.k, act), to_gpu(in.v, act), rates, block, got_state, got);
  expect_parity(got, want, label + " output " + test::name_of(act), act);
  expect_parity(got_state, want_state, label + " state " + test::name_of(act), DType::kF32);  // always f32
}

using BlockParam = std::tuple<DType, int>;
class CudaLightningBlocks : public test::CudaTestWithParam<BlockParam> {};

TEST_P(CudaLightningBlocks, ChunkedMatchesCpu) {
  const auto [act, block] = GetParam();
  const Inputs in = make_inputs(37, 3, 32, act, 31);
  check(in, {0.9f, 0.05f, 0.004f}, block, act, "lightning T=37 H=3 d=32 block " + std::to_string(block));
}

INSTANTIATE_TEST_SUITE_P(Blocks, CudaLightningBlocks,
                         ::testing::Combine(::testing::Values(DType::kF32, DType::kBF16),
                                            ::testing::Values(1, 3, 7, 16, 37, 256)),
                         [](const auto& info) {
                           return test::name_of(std::get<0>(info.param)) + "_block" +
                                  std::to_string(std::get<1>(info.param));
                         });

class CudaLightning : public test::CudaTestWithParam<DType> {};

TEST_P(CudaLightning, MiniMaxHeadDimTwoBlocks) {
  const DType act = GetParam();
  const Inputs in = make_inputs(300, 4, 128, act, 41);
  check(in, minimax_rates(4, 40), 256, act, "lightning T=300 H=4 d=128 block 256");
  check(in, minimax_rates(4, 0), 64, act, "lightning T=300 H=4 d=128 block 64");
}

TEST_P(CudaLightning, RecurrentDecodeMatchesCpu) {
  const DType act = GetParam();
  for (const int64_t tokens : {int64_t(1), cuda::kLightningRecurrentTokens}) {
    for (const int64_t d : {int64_t(128), int64_t(40), int64_t(256)}) {
      const Inputs in = make_inputs(tokens, 3, d, act, 51);
      check(in, minimax_rates(3, 70), 256, act,
            "lightning decode T=" + std::to_string(tokens) + " d=" + std::to_string(d));
    }
  }
}

TEST_P(CudaLightning, SplitCallsContinueTheState) {
  const DType act = GetParam();
  const int64_t tokens = 60, heads = 2, d = 64;
  const Inputs in = make_inputs(tokens, heads, d, act, 61);
  const std::vector<float> rates = {0.3f, 0.01f};
  Tensor want_state = in.state.clone();
  Tensor want = Tensor::zeros(DType::kF32, in.q.shape());
  ops::lightning_attention(in.q, in.k, in.v, rates, 16, want_state, want);  // one call

  Tensor got_state = ops::to_device(in.state, Device::kCuda);
  Tensor got = ops::empty(act, in.q.shape(), Device::kCuda);
  const Tensor gq = to_gpu(in.q, act), gk = to_gpu(in.k, act), gv = to_gpu(in.v, act);
  const int64_t bounds[] = {0, 1, 21, 25, 44, 45, 60};  // 1 (recurrent), 20 (chunked), 4, 19, 1, 15 tokens
  for (size_t i = 0; i + 1 < std::size(bounds); ++i) {
    Tensor piece = got.slice_rows(bounds[i], bounds[i + 1]);
    ops::lightning_attention(gq.slice_rows(bounds[i], bounds[i + 1]), gk.slice_rows(bounds[i], bounds[i + 1]),
                             gv.slice_rows(bounds[i], bounds[i + 1]), rates, 8, got_state, piece);
  }
  expect_parity(got, want, "lightning split calls output " + test::name_of(act), act);
  expect_parity(got_state, want_state, "lightning split calls state " + test::name_of(act), DType::kF32);
}

INSTANTIATE_TEST_SUITE_P(Types, CudaLightning, ::testing::Values(DType::kF32, DType::kBF16),
                         [](const auto& info) { return test::name_of(info.param); });

}  // namespace
}  // namespace lightvl
