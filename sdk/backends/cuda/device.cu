// CUDA device discovery and a toolchain self-test kernel (one thread per element, grid-stride loop).
#include "backends/cuda/device.h"

#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {
namespace {

std::string version_string(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

__global__ void affine_kernel(const float* x, float* y, float a, float b, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) y[i] = a * x[i] + b;
}

}  // namespace

std::vector<DeviceInfo> list_devices() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error so later calls start clean
    return {};
  }
  std::vector<DeviceInfo> devices;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
    devices.push_back({i, p.name, p.major, p.minor, uint64_t(p.totalGlobalMem), p.multiProcessorCount});
  }
  return devices;
}

uint64_t memory_in_use() {
  size_t free_bytes = 0, total_bytes = 0;
  if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return uint64_t(total_bytes - free_bytes);
}

std::string runtime_version() {
  int v = 0;
  return cudaRuntimeGetVersion(&v) == cudaSuccess ? version_string(v) : "none";
}

std::string driver_version() {
  int v = 0;
  return cudaDriverGetVersion(&v) == cudaSuccess && v > 0 ? version_string(v) : "none";
}

std::vector<float> device_self_test(const std::vector<float>& x, float a, float b, int device) {
  check_cuda(cudaSetDevice(device));
  const int n = int(x.size());
  float* d_x = nullptr;
  float* d_y = nullptr;
  check_cuda(cudaMalloc(&d_x, sizeof(float) * x.size()));
  check_cuda(cudaMalloc(&d_y, sizeof(float) * x.size()));
  std::vector<float> y(x.size());
  try {
    check_cuda(cudaMemcpy(d_x, x.data(), sizeof(float) * x.size(), cudaMemcpyHostToDevice));
    affine_kernel<<<(n + 255) / 256, 256>>>(d_x, d_y, a, b, n);
    check_cuda(cudaGetLastError());
    check_cuda(cudaMemcpy(y.data(), d_y, sizeof(float) * x.size(), cudaMemcpyDeviceToHost));
  } catch (...) {
    cudaFree(d_x);
    cudaFree(d_y);
    throw;
  }
  check_cuda(cudaFree(d_x));
  check_cuda(cudaFree(d_y));
  return y;
}

}  // namespace lightvl::cuda
