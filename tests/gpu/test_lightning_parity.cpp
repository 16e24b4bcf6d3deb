// CUDA parity of lightning attention (output and final f32 state) against the CPU kernel: the chunked
// path over several block sizes with a non-zero incoming state, MiniMax's head dim with two blocks, the
// recurrent decode step, and a sequence split over calls that alternate between the two paths; then the
// bf16 tensor-core path (lightning_tensor_core.cu): lengths around the chunk, both head dims, strong and
// weak decay, a call longer than one segment, and prefill → decode → prefill against one CPU call.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "backends/cuda/lightning_attention.h"
#include "backends/cuda/lightning_tensor_core.h"
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

// True when a CUDA call on these tensors runs the tensor-core kernels (ties a test to the path it covers).
bool on_tensor_cores(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& state, const Tensor& out) {
  return q.dim(0) > cuda::kLightningRecurrentTokens && cuda::lightning_tensor_core_applies(q, k, v, state, out);
}

// Runs the op on the CPU (f32) and on CUDA (`act`) from the same inputs and compares output and state.
// With `tensor_cores`, first checks that the CUDA call takes the tensor-core path.
void check(const Inputs& in, const std::vector<float>& rates, int block, DType act, const std::string& label,
           bool tensor_cores = false) {
  Tensor want_state = in.state.clone();
  Tensor want = Tensor::zeros(DType::kF32, in.q.shape());
  ops::lightning_attention(in.q, in.k, in.v, rates, block, want_state, want);

  Tensor got_state = ops::to_device(in.state, Device::kCuda);
  Tensor got = ops::empty(act, in.q.shape(), Device::kCuda);
  const Tensor gq = to_gpu(in.q, act), gk = to_gpu(in.k, act), gv = to_gpu(in.v, act);
  if (tensor_cores) {
    ASSERT_TRUE(on_tensor_cores(gq, gk, gv, got_state, got)) << label;
  }
  ops::lightning_attention(gq, gk, gv, rates, block, got_state, got);
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

// The tensor-core path over lengths below, at and around the 64-token chunk (T = 1 stays on the
// recurrent kernel), head dims 64 and 128, 8 heads with a non-zero incoming state, at MiniMax's strongest
// decay (layer 0) and a weak one (layer 70). block_size does not matter there; 256 is the CPU's.
using TensorCoreParam = std::tuple<int64_t, int64_t>;  // tokens, head_dim
class CudaLightningTensorCoreLengths : public test::CudaTestWithParam<TensorCoreParam> {};

TEST_P(CudaLightningTensorCoreLengths, MatchesCpu) {
  const auto [tokens, d] = GetParam();
  const Inputs in = make_inputs(tokens, 8, d, DType::kBF16, 71);
  for (const int layer : {0, 70}) {
    check(in, minimax_rates(8, layer), 256, DType::kBF16,
          "lightning TC T=" + std::to_string(tokens) + " H=8 d=" + std::to_string(d) + " layer " +
              std::to_string(layer),
          tokens > cuda::kLightningRecurrentTokens);
  }
}

INSTANTIATE_TEST_SUITE_P(Lengths, CudaLightningTensorCoreLengths,
                         ::testing::Combine(::testing::Values(1, 9, 63, 64, 65, 200, 1000),
                                            ::testing::Values(64, 128)),
                         [](const auto& info) {
                           std::string name = "T";  // appended piecewise: GCC 12 warns (-Wrestrict) on "T" + ...
                           name += std::to_string(std::get<0>(info.param));
                           name += "_d";
                           name += std::to_string(std::get<1>(info.param));
                           return name;
                         });

class CudaLightningTensorCore : public test::CudaTest {};

// One call of more than a segment (the second segment ends mid-chunk), so the state crosses a segment
// boundary inside the call; weak decay keeps the first segment visible at the end.
TEST_F(CudaLightningTensorCore, LongCallCrossesSegments) {
  constexpr int64_t kTokens = cuda::kLightningSegmentTokens + 808;
  static_assert(kTokens > cuda::kLightningSegmentTokens && kTokens % cuda::kLightningChunk != 0,
                "two segments, the last chunk partial");
  const Inputs in = make_inputs(kTokens, 4, 128, DType::kBF16, 81);
  for (const int layer : {0, 70}) {
    check(in, minimax_rates(4, layer), 256, DType::kBF16,
          "lightning TC T=" + std::to_string(kTokens) + " H=4 d=128 layer " + std::to_string(layer), true);
  }
}

// Prefill on tensor cores, decode steps on the recurrent kernel, prefill again, one state throughout:
// the pieces together must match one CPU call over the whole sequence.
TEST_F(CudaLightningTensorCore, PrefillDecodePrefillMatchesOneCall) {
  const int64_t tokens = 420, heads = 8, d = 128;
  const Inputs in = make_inputs(tokens, heads, d, DType::kBF16, 91);
  const std::vector<float> rates = minimax_rates(int(heads), 10);
  Tensor want_state = in.state.clone();
  Tensor want = Tensor::zeros(DType::kF32, in.q.shape());
  ops::lightning_attention(in.q, in.k, in.v, rates, 256, want_state, want);  // one call

  Tensor got_state = ops::to_device(in.state, Device::kCuda);
  Tensor got = ops::empty(DType::kBF16, in.q.shape(), Device::kCuda);
  const Tensor gq = to_gpu(in.q, DType::kBF16), gk = to_gpu(in.k, DType::kBF16), gv = to_gpu(in.v, DType::kBF16);
  const int64_t bounds[] = {0, 137, 138, 139, 147, 420};  // 137 (TC), 1, 1, 8 (recurrent), 273 (TC)
  for (size_t i = 0; i + 1 < std::size(bounds); ++i) {
    const Tensor q = gq.slice_rows(bounds[i], bounds[i + 1]), k = gk.slice_rows(bounds[i], bounds[i + 1]);
    const Tensor v = gv.slice_rows(bounds[i], bounds[i + 1]);
    Tensor piece = got.slice_rows(bounds[i], bounds[i + 1]);
    EXPECT_EQ(on_tensor_cores(q, k, v, got_state, piece), bounds[i + 1] - bounds[i] > cuda::kLightningRecurrentTokens)
        << "piece " << i;
    ops::lightning_attention(q, k, v, rates, 64, got_state, piece);
  }
  expect_parity(got, want, "lightning TC prefill/decode/prefill output bf16", DType::kBF16);
  expect_parity(got_state, want_state, "lightning TC prefill/decode/prefill state bf16", DType::kF32);
}

}  // namespace
}  // namespace lightvl
