// The position-from-a-tensor ops that let a decode step be recorded once and replayed (cached_attention,
// rope with a positions tensor, copy_rows_at) on the CPU: each against the naive loop or the plain op
// it must equal, plus their bound checks. CUDA parity: tests/gpu/test_recordable_ops_parity.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "op_test_util.h"
#include "ops/attention.h"
#include "ops/copy_rows_at.h"
#include "ops/device_graph.h"
#include "ops/rope.h"

namespace lightvl {
namespace {
using test::max_relative_error;
using test::naive_attention;
using test::random_tensor;

Tensor int64_scalar(int64_t v) {
  Tensor t = Tensor::zeros(DType::kI64, {1});
  t.data<int64_t>()[0] = v;
  return t;
}

// The rows past the fill level hold large values: reading any of them would show in the result.
TEST(CachedAttention, ReadsOnlyTheFilledRowsOfTheCache) {
  const int64_t capacity = 40, past = 17, tokens = 3, hq = 8, hkv = 2, d = 16;
  Tensor q = random_tensor({tokens, hq, d}, 41);
  Tensor k = random_tensor({capacity, hkv, d}, 42);
  Tensor v = random_tensor({capacity, hkv, d}, 43);
  for (int64_t i = (past + tokens) * hkv * d; i < k.numel(); ++i) k.data<float>()[i] = v.data<float>()[i] = 1e3f;
  Tensor out = Tensor::zeros(DType::kF32, q.shape());
  ops::cached_attention(q, k, v, int64_scalar(past), 0.25f, out);
  const std::vector<double> want =
      naive_attention(q, k.slice_rows(0, past + tokens), v.slice_rows(0, past + tokens), past, true, 0.25);
  EXPECT_LT(max_relative_error(out, want, "cached attention"), 1e-5);
}

TEST(CachedAttention, RejectsAFillLevelPastTheCapacity) {
  Tensor q = random_tensor({2, 4, 8}, 44);
  Tensor k = random_tensor({10, 2, 8}, 45);
  Tensor out = Tensor::zeros(DType::kF32, q.shape());
  EXPECT_THROW(ops::cached_attention(q, k, k, int64_scalar(9), 1.0f, out), Error);   // 9 + 2 > 10
  EXPECT_THROW(ops::cached_attention(q, k, k, int64_scalar(-1), 1.0f, out), Error);
  EXPECT_NO_THROW(ops::cached_attention(q, k, k, int64_scalar(8), 1.0f, out));
}

TEST(RopeFromTensor, EqualsRopeFromAVector) {
  const std::vector<int64_t> positions = {0, 7, 4096, 999999};
  Tensor a = random_tensor({4, 3, 32}, 46);
  Tensor b = random_tensor({4, 3, 32}, 46);
  Tensor p = Tensor::zeros(DType::kI64, {4});
  std::memcpy(p.raw(), positions.data(), sizeof(int64_t) * positions.size());
  ops::rope_inplace(a, positions, 16, 10000.0);
  ops::rope_inplace(b, p, 16, 10000.0);
  EXPECT_EQ(std::memcmp(a.raw(), b.raw(), a.nbytes()), 0);
  Tensor wrong_length = Tensor::zeros(DType::kI64, {3});
  EXPECT_THROW(ops::rope_inplace(b, wrong_length, 16, 10000.0), Error);
}

TEST(CopyRowsAt, WritesTheRowsAtTheHeldIndexOnly) {
  Tensor dst = Tensor::zeros(DType::kBF16, {6, 2, 3});
  Tensor src = Tensor::zeros(DType::kBF16, {2, 2, 3});
  for (int64_t i = 0; i < src.numel(); ++i) src.data<uint16_t>()[i] = uint16_t(100 + i);
  ops::copy_rows_at(src, int64_scalar(3), dst);
  for (int64_t r = 0; r < 6; ++r) {
    for (int64_t i = 0; i < 6; ++i) {
      const uint16_t want = (r == 3 || r == 4) ? uint16_t(100 + (r - 3) * 6 + i) : 0;
      EXPECT_EQ(dst.data<uint16_t>()[r * 6 + i], want) << "row " << r;
    }
  }
  EXPECT_THROW(ops::copy_rows_at(src, int64_scalar(5), dst), Error);  // rows 5 and 6 of 6
  Tensor other_rows = Tensor::zeros(DType::kBF16, {2, 3, 2});
  EXPECT_THROW(ops::copy_rows_at(other_rows, int64_scalar(0), dst), Error);
}

TEST(DeviceGraph, IsRefusedForTheCpu) {
  EXPECT_FALSE(ops::DeviceGraph::available(Device::kCpu));
  bool ran = false;
  try {
    ops::DeviceGraph graph(Device::kCpu, [&] { ran = true; });
    ADD_FAILURE() << "a CPU graph was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
  }
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace lightvl
