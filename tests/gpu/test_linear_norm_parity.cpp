// CUDA parity of linear (every activation × weight dtype, with and without bias), RMSNorm and LayerNorm
// (every activation × weight dtype, in place too) and the embedding gather (every table × output dtype).
#include <gtest/gtest.h>

#include <tuple>

#include "gpu_test_util.h"
#include "ops/embedding.h"
#include "ops/linear.h"
#include "ops/norm.h"

namespace lightvl {
namespace {
using test::expect_parity;
using test::random_values;
using test::to_gpu;

const auto kActivationTypes = ::testing::Values(DType::kF32, DType::kBF16);
const auto kWeightTypes = ::testing::Values(DType::kF32, DType::kBF16, DType::kF16);

using LinearParam = std::tuple<DType, DType, bool>;  // activations, weight, bias
class CudaLinear : public test::CudaTestWithParam<LinearParam> {};

TEST_P(CudaLinear, MatchesCpu) {
  const auto [act, wt, with_bias] = GetParam();
  struct Size { int64_t t, k, n; };
  // One row: the bf16 GEMV's split-K kernel (N ≤ 2048: 64, 301, 32) and its row kernel (4100).
  for (const Size s : {Size{7, 96, 80}, Size{33, 520, 301}, Size{1, 6144, 64}, Size{1, 520, 301}, Size{1, 6144, 32},
                       Size{1, 1024, 4100}}) {
    const Tensor x = random_values({s.t, s.k}, 1, 1.0f, act);
    const Tensor w = random_values({s.n, s.k}, 2, 0.05f, wt);
    const Tensor b = random_values({s.n}, 3, 1.0f, wt);
    Tensor w_typed = Tensor::zeros(wt, w.shape());
    Tensor b_typed = Tensor::zeros(wt, b.shape());
    ops::convert(w, w_typed);
    ops::convert(b, b_typed);
    Tensor want = Tensor::zeros(DType::kF32, {s.t, s.n});
    ops::linear(x, w_typed, with_bias ? &b_typed : nullptr, want);

    const Tensor gx = to_gpu(x, act);
    const Tensor gw = ops::to_device(w_typed, Device::kCuda);
    const Tensor gb = ops::to_device(b_typed, Device::kCuda);
    Tensor got = ops::empty(act, {s.t, s.n}, Device::kCuda);
    ops::linear(gx, gw, with_bias ? &gb : nullptr, got);
    expect_parity(got, want,
                  "linear " + test::name_of(act) + " x " + test::name_of(wt) + (with_bias ? " +bias " : " ") +
                      std::to_string(s.t) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n),
                  act);
  }
}

INSTANTIATE_TEST_SUITE_P(Types, CudaLinear, ::testing::Combine(kActivationTypes, kWeightTypes, ::testing::Bool()),
                         [](const auto& info) {
                           return test::name_of(std::get<0>(info.param)) + "_" + test::name_of(std::get<1>(info.param)) +
                                  (std::get<2>(info.param) ? "_bias" : "");
                         });

using TypePair = std::tuple<DType, DType>;  // activations, weight (or table)
class CudaNorm : public test::CudaTestWithParam<TypePair> {};

TEST_P(CudaNorm, RmsAndLayerNormMatchCpu) {
  const auto [act, wt] = GetParam();
  const std::string types = test::name_of(act) + " / " + test::name_of(wt) + " weight";
  // 1000, 6144 and 8192: RMSNorm's register kernel (1, 3 or 4 vectors a thread in bf16); 1001 (not a whole
  // number of vectors) and 20000 (more than 8 vectors a thread): its strided kernel.
  for (const int64_t cols : {int64_t(1000), int64_t(6144), int64_t(8192), int64_t(1001), int64_t(20000)}) {
    const int64_t rows = 5;
    const Tensor x = random_values({rows, cols}, 4, 3.0f, act);
    const Tensor w = random_values({cols}, 5, 1.0f, wt);
    const Tensor b = random_values({cols}, 6, 1.0f, wt);
    Tensor w_typed = Tensor::zeros(wt, w.shape()), b_typed = Tensor::zeros(wt, b.shape());
    ops::convert(w, w_typed);
    ops::convert(b, b_typed);
    const Tensor gw = ops::to_device(w_typed, Device::kCuda), gb = ops::to_device(b_typed, Device::kCuda);

    Tensor want = Tensor::zeros(DType::kF32, x.shape());
    ops::rms_norm(x, w_typed, 1e-6f, want);
    Tensor got = to_gpu(x, act);
    ops::rms_norm(got, gw, 1e-6f, got);  // in place
    expect_parity(got, want, "rms_norm " + types + " C=" + std::to_string(cols), act);

    ops::layer_norm(x, w_typed, b_typed, 1e-5f, want);
    const Tensor gx = to_gpu(x, act);
    Tensor got_ln = ops::empty(act, x.shape(), Device::kCuda);
    ops::layer_norm(gx, gw, gb, 1e-5f, got_ln);
    expect_parity(got_ln, want, "layer_norm " + types + " C=" + std::to_string(cols), act);
  }
}

INSTANTIATE_TEST_SUITE_P(Types, CudaNorm, ::testing::Combine(kActivationTypes, kWeightTypes),
                         [](const auto& info) {
                           return test::name_of(std::get<0>(info.param)) + "_" + test::name_of(std::get<1>(info.param));
                         });

class CudaEmbedding : public test::CudaTestWithParam<TypePair> {};

TEST_P(CudaEmbedding, GatherMatchesCpu) {
  const auto [act, table_type] = GetParam();
  const Tensor table = random_values({500, 96}, 7, 1.0f, table_type);
  Tensor table_typed = Tensor::zeros(table_type, table.shape());
  ops::convert(table, table_typed);
  const std::vector<int32_t> ids = {0, 499, 17, 17, 250, 3, 498};
  Tensor want = Tensor::zeros(DType::kF32, {int64_t(ids.size()), 96});
  ops::embedding(ids, table_typed, want);
  Tensor got = ops::empty(act, want.shape(), Device::kCuda);
  ops::embedding(ids, ops::to_device(table_typed, Device::kCuda), got);
  // f32 output: widening is exact, so any difference is a bug; bf16 output: one rounding.
  const double tol = act == DType::kF32 ? 0.0 : 4e-3;
  EXPECT_LE(test::parity_error(got, want, "embedding " + test::name_of(table_type) + " -> " + test::name_of(act), tol),
            tol);
}

INSTANTIATE_TEST_SUITE_P(Types, CudaEmbedding, ::testing::Combine(kActivationTypes, kWeightTypes),
                         [](const auto& info) {
                           return test::name_of(std::get<0>(info.param)) + "_" + test::name_of(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace lightvl
