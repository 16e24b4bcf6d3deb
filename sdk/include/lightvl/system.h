// lightvl public C++ API: what this build and machine can run on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lightvl {

struct GpuInfo {
  int index = 0;
  std::string name;
  int compute_major = 0, compute_minor = 0;
  uint64_t total_memory = 0;
};

struct SystemInfo {
  std::string version;      // lightvl version, "0.1.0"
  int cpu_threads = 0;      // threads the CPU backend uses
  bool cuda_built = false;  // compiled with LIGHTVL_CUDA=ON
  std::string cuda;         // runtime/driver versions, or why there is no CUDA
  std::vector<GpuInfo> gpus;
};

// Describes the build and the visible devices. Never throws; thread-safe.
SystemInfo system_info();

}  // namespace lightvl
