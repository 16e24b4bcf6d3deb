// The CUDA toolchain, driver and device work end to end: device discovery, and a kernel whose result is
// checked against the same arithmetic on the host.
#include <gtest/gtest.h>

#include "backends/cuda/device.h"
#include "ops/devices.h"

namespace lightvl {
namespace {

TEST(CudaDevice, DiscoveryNeverThrows) {
  EXPECT_TRUE(ops::cuda_built());
  const auto devices = ops::gpu_devices();
  std::printf("[ figure ] %zu CUDA device(s); %s\n", devices.size(), ops::cuda_versions().c_str());
  for (const auto& d : devices) {
    std::printf("[ figure ] device %d: %s, sm_%d%d, %.1f GiB\n", d.index, d.name.c_str(), d.compute_major,
                d.compute_minor, double(d.total_memory) / (1 << 30));
  }
}

TEST(CudaDevice, KernelRoundTrip) {
  if (ops::gpu_devices().empty()) GTEST_SKIP() << "no CUDA device on this machine";
  std::vector<float> x(1000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i) * 0.5f - 7.0f;
  const std::vector<float> y = cuda::device_self_test(x, 3.0f, -2.0f);
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y[i], 3.0f * x[i] - 2.0f) << i;
}

}  // namespace
}  // namespace lightvl
