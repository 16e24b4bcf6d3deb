#include "lightvl/system.h"

#include "ops/devices.h"
#include "ops/threads.h"

namespace lightvl {

SystemInfo system_info() {
  SystemInfo info;
  info.version = LIGHTVL_VERSION;
  info.cpu_threads = ops::cpu_threads();
  info.cuda_built = ops::cuda_built();
  info.cuda = ops::cuda_versions();
  for (const ops::GpuDevice& d : ops::gpu_devices()) {
    info.gpus.push_back({d.index, d.name, d.compute_major, d.compute_minor, d.total_memory});
  }
  return info;
}

}  // namespace lightvl
