// Device memory: host↔device round trips for every dtype, zero fill, device dtype conversion against the
// host conversion (bit for bit), the caching allocator's reuse (no cudaMalloc once warm), and refusal of
// operands on different devices.
#include <gtest/gtest.h>

#include <cstring>

#include "backends/cuda/memory.h"
#include "core/error.h"
#include "gpu_test_util.h"
#include "ops/devices.h"
#include "ops/linear.h"

namespace lightvl {
namespace {
using test::CudaTest;
using test::CudaTestWithParam;

class CudaRoundTrip : public CudaTestWithParam<DType> {};

TEST_P(CudaRoundTrip, HostDeviceHostIsExact) {
  Tensor host = Tensor::zeros(GetParam(), {37, 5});
  for (size_t i = 0; i < host.nbytes(); ++i) static_cast<uint8_t*>(host.raw())[i] = uint8_t(i * 131 + 7);
  const Tensor device = ops::to_device(host, Device::kCuda);
  EXPECT_EQ(device.device(), Device::kCuda);
  EXPECT_EQ(device.shape(), host.shape());
  Tensor device_copy = ops::empty(GetParam(), {5, 37}, Device::kCuda);
  ops::copy(device, device_copy);  // device → device, same element count
  const Tensor back = ops::to_device(device_copy, Device::kCpu);
  EXPECT_EQ(std::memcmp(back.raw(), host.raw(), host.nbytes()), 0);
}

INSTANTIATE_TEST_SUITE_P(DTypes, CudaRoundTrip,
                         ::testing::Values(DType::kF32, DType::kBF16, DType::kF16, DType::kI32, DType::kI64, DType::kU8),
                         [](const auto& info) { return test::name_of(info.param); });

TEST_F(CudaTest, ZerosAreZero) {
  const Tensor z = ops::zeros(DType::kF32, {1000, 3}, Device::kCuda);
  const Tensor host = ops::to_device(z, Device::kCpu);
  for (int64_t i = 0; i < host.numel(); ++i) ASSERT_EQ(host.data<float>()[i], 0.0f) << i;
}

TEST_F(CudaTest, DeviceConversionMatchesHostBitForBit) {
  const Tensor values = test::random_values({4099}, 3, 100.0f, DType::kF32);
  for (DType from : {DType::kF32, DType::kBF16, DType::kF16}) {
    for (DType to : {DType::kF32, DType::kBF16, DType::kF16}) {
      Tensor source = Tensor::zeros(from, values.shape());
      ops::convert(values, source);
      Tensor want = Tensor::zeros(to, values.shape());
      ops::convert(source, want);
      const Tensor device_source = ops::to_device(source, Device::kCuda);
      Tensor device_out = ops::empty(to, values.shape(), Device::kCuda);
      ops::convert(device_source, device_out);
      const Tensor got = ops::to_device(device_out, Device::kCpu);
      EXPECT_EQ(std::memcmp(got.raw(), want.raw(), want.nbytes()), 0) << dtype_name(from) << " -> " << dtype_name(to);
    }
  }
}

TEST_F(CudaTest, AllocatorReusesFreedBlocks) {
  const std::vector<int64_t> sizes = {1, 1000, 4096, 300000, 1 << 20, 3 << 20};
  auto one_step = [&] {
    std::vector<Tensor> live;
    for (int64_t n : sizes) live.push_back(ops::empty(DType::kF32, {n}, Device::kCuda));
    live.push_back(ops::empty(DType::kBF16, {777, 13}, Device::kCuda));
  };
  one_step();  // warm-up fills the free lists
  const cuda::AllocatorStats before = cuda::allocator_stats();
  for (int i = 0; i < 3; ++i) one_step();
  const cuda::AllocatorStats after = cuda::allocator_stats();
  std::printf("[ figure ] allocator: %llu cudaMalloc calls, %llu cache hits, %.1f MiB cached\n",
              (unsigned long long)after.device_allocations, (unsigned long long)after.cache_hits,
              double(after.bytes_cached) / (1 << 20));
  EXPECT_EQ(after.device_allocations, before.device_allocations);
  EXPECT_EQ(after.cache_hits, before.cache_hits + 3 * (sizes.size() + 1));
  EXPECT_EQ(after.bytes_in_use, before.bytes_in_use);
  // The high-water mark saw a whole step's tensors alive at once, and never less than what is live now.
  uint64_t step_bytes = 0;
  {
    std::vector<Tensor> live;
    for (int64_t n : sizes) live.push_back(ops::empty(DType::kF32, {n}, Device::kCuda));
    step_bytes = cuda::allocator_stats().bytes_in_use - after.bytes_in_use;
  }
  EXPECT_GE(cuda::allocator_stats().peak_bytes_in_use, after.bytes_in_use + step_bytes);
  EXPECT_GE(ops::gpu_peak_tensor_bytes(), after.bytes_in_use + step_bytes);
}

TEST_F(CudaTest, OperandsOnDifferentDevicesAreRefused) {
  const Tensor x = test::to_gpu(test::random_values({2, 4}, 1, 1.0f, DType::kF32), DType::kF32);
  const Tensor w_host = test::random_values({3, 4}, 2, 1.0f, DType::kF32);
  Tensor out = ops::empty(DType::kF32, {2, 3}, Device::kCuda);
  EXPECT_THROW(ops::linear(x, w_host, nullptr, out), Error);
  Tensor out_bf16 = ops::empty(DType::kBF16, {2, 3}, Device::kCuda);
  EXPECT_THROW(ops::linear(x, ops::to_device(w_host, Device::kCuda), nullptr, out_bf16), Error);
}

}  // namespace
}  // namespace lightvl
