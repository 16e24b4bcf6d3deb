// Which compute devices this build can use. The single place that knows whether CUDA was compiled in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lightvl::ops {

struct GpuDevice {
  int index = 0;
  std::string name;
  int compute_major = 0, compute_minor = 0;
  uint64_t total_memory = 0;
};

// True when the CUDA backend was compiled in (LIGHTVL_CUDA=ON).
bool cuda_built();
// Visible GPUs; empty without CUDA support, driver or device. Never throws.
std::vector<GpuDevice> gpu_devices();
// Bytes in use on the current GPU (total − free); 0 without one. Never throws.
uint64_t gpu_memory_in_use();
// The most bytes lightvl's tensors have held at once on the current GPU (the caching allocator's
// high-water mark of live tensors, rounded up to its size classes); 0 without CUDA. Never throws.
uint64_t gpu_peak_tensor_bytes();
// "CUDA runtime 13.0, driver 13.0", or why there is none.
std::string cuda_versions();

}  // namespace lightvl::ops
