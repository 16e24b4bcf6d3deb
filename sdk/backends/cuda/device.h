// CUDA device discovery. The only CUDA entry points that are safe to call on a machine without a GPU or
// driver: they report "no device" instead of failing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lightvl::cuda {

struct DeviceInfo {
  int index = 0;
  std::string name;
  int compute_major = 0, compute_minor = 0;
  uint64_t total_memory = 0;
  int multiprocessors = 0;
};

// Visible CUDA devices; empty when there is no driver or no GPU (never throws).
std::vector<DeviceInfo> list_devices();
// Bytes of the current device's memory in use (total − free, all processes). 0 without a device.
uint64_t memory_in_use();

// CUDA runtime and driver versions as "13.0"; "none" when unavailable.
std::string runtime_version();
std::string driver_version();

// Copies `n` floats to the device, runs a kernel that computes y = a·x + b, and copies them back:
// a self-test of the toolchain, driver and device. Throws Error on any CUDA failure.
std::vector<float> device_self_test(const std::vector<float>& x, float a, float b, int device = 0);

}  // namespace lightvl::cuda
