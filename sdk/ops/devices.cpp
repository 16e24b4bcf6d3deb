#include "ops/devices.h"

#include "core/error.h"

#if LIGHTVL_WITH_CUDA
#include "backends/cuda/device.h"
#include "backends/cuda/memory.h"
#endif

namespace lightvl::ops {

#if LIGHTVL_WITH_CUDA
bool cuda_built() { return true; }

std::vector<GpuDevice> gpu_devices() {
  std::vector<GpuDevice> out;
  for (const cuda::DeviceInfo& d : cuda::list_devices()) {
    out.push_back({d.index, d.name, d.compute_major, d.compute_minor, d.total_memory});
  }
  return out;
}

std::string cuda_versions() {
  return "CUDA runtime " + cuda::runtime_version() + ", driver " + cuda::driver_version();
}

uint64_t gpu_memory_in_use() { return cuda::memory_in_use(); }

uint64_t gpu_peak_tensor_bytes() {
  if (gpu_devices().empty()) return 0;
  try {
    return cuda::allocator_stats().peak_bytes_in_use;
  } catch (const Error&) {
    return 0;
  }
}
#else
bool cuda_built() { return false; }
std::vector<GpuDevice> gpu_devices() { return {}; }
std::string cuda_versions() { return "built without CUDA (LIGHTVL_CUDA=OFF)"; }
uint64_t gpu_memory_in_use() { return 0; }
uint64_t gpu_peak_tensor_bytes() { return 0; }
#endif

}  // namespace lightvl::ops
