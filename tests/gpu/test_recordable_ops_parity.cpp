// CUDA parity of the ops a recorded decode step is made of (cached_attention with the fill level read on
// the device, rope with device positions, copy_rows_at), and of the recording itself (ops::DeviceGraph):
// a graph replayed at new positions equals the CPU at those positions, a recording's intermediates stay
// reserved for it, and work a graph cannot hold is refused without harm.
#include <gtest/gtest.h>

#include <cstring>
#include <tuple>

#include "attention_case.h"
#include "core/error.h"
#include "gpu_test_util.h"
#include "ops/activation.h"
#include "ops/attention.h"
#include "ops/copy_rows_at.h"
#include "ops/device_graph.h"
#include "ops/rope.h"

namespace lightvl {
namespace {
using test::random_values;
using test::to_gpu;

Tensor int64_on_gpu(int64_t v) {
  Tensor host = Tensor::zeros(DType::kI64, {1});
  host.data<int64_t>()[0] = v;
  return ops::to_device(host, Device::kCuda);
}

void set_int64(Tensor& device_scalar, int64_t v) {
  Tensor host = Tensor::zeros(DType::kI64, {1});
  host.data<int64_t>()[0] = v;
  ops::copy(host, device_scalar);
}

// A cache of `capacity` rows: the case's keys and values first, then rows of large values that would
// show in the result if the kernel read past the fill level.
struct Cache {
  Tensor k, v;  // host f32 [capacity, kv_heads, d]
};
Cache cache_with_tail(const test::AttentionInputs& in, int64_t capacity) {
  Cache c;
  const Shape shape{capacity, in.k.dim(1), in.k.dim(2)};
  c.k = Tensor::zeros(DType::kF32, shape);
  c.v = Tensor::zeros(DType::kF32, shape);
  for (int64_t i = 0; i < c.k.numel(); ++i) c.k.data<float>()[i] = c.v.data<float>()[i] = 64.0f;
  std::memcpy(c.k.raw(), in.k.raw(), in.k.nbytes());
  std::memcpy(c.v.raw(), in.v.raw(), in.v.nbytes());
  return c;
}

struct CachedCase {
  test::AttentionCase shape;
  int64_t capacity;
};
void PrintTo(const CachedCase& c, std::ostream* os) { *os << c.shape.name; }

const CachedCase kCachedCases[] = {
    {{"decode_minimax_heads", 1, 2999, 3000, true, 64, 8, 128}, 4096},
    {{"decode_short_cache", 1, 6, 7, true, 64, 8, 128}, 64},
    {{"decode_fills_capacity", 1, 8191, 8192, true, 64, 8, 128}, 8192},
    {{"three_rows", 3, 1000, 1003, true, 16, 2, 128}, 2048},
    {{"head_dim_64", 1, 700, 701, true, 8, 8, 64}, 1024},
};

using Param = std::tuple<DType, CachedCase>;
class CudaCachedAttention : public test::CudaTestWithParam<Param> {};

TEST_P(CudaCachedAttention, MatchesCpuOverTheFilledRows) {
  const auto [act, c] = GetParam();
  const test::AttentionInputs in = test::attention_inputs(c.shape, act);
  const Cache cache = cache_with_tail(in, c.capacity);
  Tensor got = ops::empty(act, in.q.shape(), Device::kCuda);
  ops::cached_attention(to_gpu(in.q, act), to_gpu(cache.k, act), to_gpu(cache.v, act), int64_on_gpu(c.shape.past),
                        in.scale, got);
  test::expect_parity(got, in.want,
                      std::string("cached attention ") + c.shape.name + " " + test::name_of(act) + " (capacity " +
                          std::to_string(c.capacity) + ")",
                      act);
}

INSTANTIATE_TEST_SUITE_P(Cases, CudaCachedAttention,
                         ::testing::Combine(::testing::Values(DType::kF32, DType::kBF16),
                                            ::testing::ValuesIn(kCachedCases)),
                         [](const auto& info) {
                           return test::name_of(std::get<0>(info.param)) + "_" + std::get<1>(info.param).shape.name;
                         });

class CudaRecordedStep : public test::CudaTest {};

// One recording of cached attention, replayed with the fill level moved between launches.
TEST_F(CudaRecordedStep, ReplaysAtTheFillLevelTheTensorHolds) {
  const DType act = DType::kBF16;
  const int64_t capacity = 2048;
  const test::AttentionCase full{"full", 1, capacity - 1, capacity, true, 64, 8, 128};
  const test::AttentionInputs in = test::attention_inputs(full, act);
  const Tensor q = to_gpu(in.q, act), k = to_gpu(in.k, act), v = to_gpu(in.v, act);
  Tensor past = int64_on_gpu(0);
  Tensor out = ops::empty(act, in.q.shape(), Device::kCuda);
  const ops::DeviceGraph graph(Device::kCuda, [&] { ops::cached_attention(q, k, v, past, in.scale, out); });
  for (int64_t p : {int64_t(10), int64_t(700), int64_t(1500), capacity - 1}) {
    set_int64(past, p);
    graph.launch();
    Tensor want = Tensor::zeros(DType::kF32, in.q.shape());
    ops::attention(in.q, in.k.slice_rows(0, p + 1), in.v.slice_rows(0, p + 1), p, true, in.scale, want);
    test::expect_parity(out, want, "graph replay of cached attention at past " + std::to_string(p), act);
  }
}

// Rope and the KV append with positions on the device, recorded once and replayed at two positions.
TEST_F(CudaRecordedStep, RopeAndAppendFollowTheDevicePositions) {
  const DType act = DType::kBF16;
  const Tensor rows = random_values({2, 8, 128}, 61, 1.0f, act);
  Tensor x = ops::empty(act, rows.shape(), Device::kCuda);
  Tensor cache = ops::zeros(act, {64, 8, 128}, Device::kCuda);
  Tensor positions = ops::to_device(Tensor::zeros(DType::kI64, {2}), Device::kCuda);
  const Tensor staged = to_gpu(rows, act);
  const ops::DeviceGraph graph(Device::kCuda, [&] {
    ops::copy(staged, x);  // device to device: recordable
    ops::rope_inplace(x, positions, 64, 10000.0);
    ops::copy_rows_at(x, positions.slice_rows(0, 1), cache);
  });
  for (int64_t first : {int64_t(5), int64_t(40)}) {
    Tensor host_positions = Tensor::zeros(DType::kI64, {2});
    host_positions.data<int64_t>()[0] = first;
    host_positions.data<int64_t>()[1] = first + 1;
    ops::copy(host_positions, positions);
    graph.launch();
    Tensor want = rows.clone();
    ops::rope_inplace(want, std::vector<int64_t>{first, first + 1}, 64, 10000.0);
    test::expect_parity(x, want, "recorded rope at position " + std::to_string(first), act);
    const Tensor in_cache = test::to_host_f32(cache).slice_rows(first, first + 2);
    EXPECT_EQ(std::memcmp(in_cache.raw(), test::to_host_f32(x).raw(), in_cache.nbytes()), 0)
        << "the appended rows must be the rotated rows, at rows " << first << " and " << first + 1;
  }
}

// Rows that would land past the capacity are dropped on CUDA (the CPU refuses the call instead).
TEST_F(CudaRecordedStep, CopyRowsAtDropsRowsPastTheCapacity) {
  const Tensor src_host = random_values({3, 4}, 62, 1.0f, DType::kF32);
  Tensor dst = ops::zeros(DType::kF32, {5, 4}, Device::kCuda);
  ops::copy_rows_at(to_gpu(src_host, DType::kF32), int64_on_gpu(3), dst);
  const Tensor got = test::to_host_f32(dst);
  for (int64_t i = 0; i < 20; ++i) {
    const float want = i < 12 ? 0.0f : src_host.data<float>()[i - 12];
    EXPECT_EQ(got.data<float>()[i], want) << "element " << i;
  }
}

// A recording's intermediates belong to it: tensors made after the recording never share its memory.
TEST_F(CudaRecordedStep, IntermediatesStayReservedForTheGraph) {
  const Tensor x_host = random_values({1024}, 63, 1.0f, DType::kF32);
  const Tensor x = to_gpu(x_host, DType::kF32);
  Tensor out;
  const ops::DeviceGraph graph(Device::kCuda, [&] {
    Tensor doubled = ops::empty(DType::kF32, x.shape(), Device::kCuda);  // freed when the lambda ends
    ops::scaled_add(2.0f, x, 0.0f, x, doubled);
    out = ops::empty(DType::kF32, x.shape(), Device::kCuda);
    ops::scaled_add(1.0f, doubled, 1.0f, x, out);
  });
  std::vector<Tensor> others;  // same size class as the intermediates: they would get their blocks
  for (int i = 0; i < 4; ++i) others.push_back(to_gpu(Tensor::zeros(DType::kF32, x.shape()), DType::kF32));
  graph.launch();
  const Tensor got = test::to_host_f32(out);
  for (int64_t i = 0; i < x_host.numel(); ++i) ASSERT_EQ(got.data<float>()[i], 3.0f * x_host.data<float>()[i]);
  for (const Tensor& other : others) {
    const Tensor h = test::to_host_f32(other);
    for (int64_t i = 0; i < h.numel(); ++i) ASSERT_EQ(h.data<float>()[i], 0.0f) << "a replay wrote into a later tensor";
  }
}

TEST_F(CudaRecordedStep, RefusesHostCopiesAndLeavesTheDeviceUsable) {
  const Tensor host = random_values({16}, 64, 1.0f, DType::kF32);
  const Tensor device = to_gpu(host, DType::kF32);
  for (int kind = 0; kind < 3; ++kind) {
    try {
      const ops::DeviceGraph graph(Device::kCuda, [&] {
        if (kind == 0) to_gpu(host, DType::kF32);         // an upload
        if (kind == 1) test::to_host_f32(device);         // a copy back to the host
        if (kind == 2) ops::synchronize(Device::kCuda);   // a wait
      });
      ADD_FAILURE() << "recording kind " << kind << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
      std::printf("[ figure ] refused: %s\n", e.what());
    }
  }
  const Tensor round_trip = test::to_host_f32(to_gpu(host, DType::kF32));
  EXPECT_EQ(std::memcmp(round_trip.raw(), host.raw(), host.nbytes()), 0);
}

}  // namespace
}  // namespace lightvl
