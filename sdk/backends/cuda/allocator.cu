// Caching device allocator (see memory.h for the contract).
//
// Algorithm: a request of n bytes is rounded up to its size class, the next multiple of a quarter of the
// largest power of two below n (minimum 512 bytes); one free list per (device, size class). Allocation
// pops a cached block of the class or calls cudaMalloc; freeing a tensor pushes its block back onto its
// list (no CUDA call, so it is safe from any thread and during static destruction). Blocks never split
// or merge: simple, and model steps repeat the same shapes, so the free lists reach a steady state.
// Limits: slack up to 25% per block; cached memory is only returned by release_cached_memory() or when
// cudaMalloc fails.
// Graph recording: while the calling thread records a CUDA graph (context.h), every block handed out is
// also owned by the recording, so it stays reserved for the graph's replays even after its tensor is gone.
#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

constexpr size_t kMinBlock = 512;

size_t size_class(size_t bytes) {
  if (bytes <= kMinBlock) return kMinBlock;
  const size_t top = size_t(1) << (63 - __builtin_clzll(uint64_t(bytes - 1)));  // largest 2^p < bytes
  const size_t step = std::max(top / 4, kMinBlock);
  return (bytes + step - 1) / step * step;
}

struct DevicePool {
  std::unordered_map<size_t, std::vector<void*>> free_blocks;  // size class -> cached blocks
  AllocatorStats stats;
};

// One pool per device under one mutex; leaked on purpose (tensors may be released at exit).
std::mutex& pools_mutex() {
  static std::mutex* mutex = new std::mutex;
  return *mutex;
}
DevicePool& pool_locked(int device) {
  static std::map<int, DevicePool>* pools = new std::map<int, DevicePool>;
  return (*pools)[device];
}

// Frees every cached block of `pool`. Caller holds the mutex; the pool's device is current. Waits for
// the device first: a cached block may still be read by work queued before its tensor was released.
void release_cached_locked(DevicePool& pool) {
  check_cuda(cudaDeviceSynchronize());
  for (auto& [size, blocks] : pool.free_blocks) {
    for (void* p : blocks) check_cuda(cudaFree(p));
    pool.stats.bytes_cached -= uint64_t(size) * blocks.size();
    blocks.clear();
  }
}

void* allocate_block(int device, size_t size) {
  std::lock_guard<std::mutex> lock(pools_mutex());
  DevicePool& pool = pool_locked(device);
  std::vector<void*>& cached = pool.free_blocks[size];
  if (!cached.empty()) {
    void* p = cached.back();
    cached.pop_back();
    pool.stats.bytes_cached -= size;
    pool.stats.bytes_in_use += size;
    pool.stats.peak_bytes_in_use = std::max(pool.stats.peak_bytes_in_use, pool.stats.bytes_in_use);
    ++pool.stats.cache_hits;
    return p;
  }
  void* p = nullptr;
  cudaError_t status = cudaMalloc(&p, size);
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // clear the error before retrying with the cache emptied
    release_cached_locked(pool);
    status = cudaMalloc(&p, size);
  }
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    fail(ErrorCode::kOutOfMemory, "CUDA device " + std::to_string(device) + " is out of memory allocating " +
                                      std::to_string(size) + " bytes (" + std::to_string(pool.stats.bytes_in_use) +
                                      " bytes held by live tensors); use a smaller context or batch");
  }
  check_cuda(status);
  ++pool.stats.device_allocations;
  pool.stats.bytes_in_use += size;
  pool.stats.peak_bytes_in_use = std::max(pool.stats.peak_bytes_in_use, pool.stats.bytes_in_use);
  return p;
}

void release_block(int device, void* p, size_t size) noexcept {
  std::lock_guard<std::mutex> lock(pools_mutex());
  DevicePool& pool = pool_locked(device);
  pool.free_blocks[size].push_back(p);
  pool.stats.bytes_in_use -= size;
  pool.stats.bytes_cached += size;
}

int current_device() {
  int device = 0;
  check_cuda(cudaGetDevice(&device));
  return device;
}

}  // namespace

Tensor empty(DType dtype, Shape shape, std::string name) {
  int64_t n = 1;
  for (int64_t d : shape) {
    require(d >= 0, ErrorCode::kInternal, "negative dimension in " + shape_string(shape));
    n *= d;
  }
  const size_t bytes = size_t(n) * dtype_size(dtype);
  if (bytes == 0) return Tensor(dtype, std::move(shape), nullptr, nullptr, Device::kCuda, std::move(name));
  const int device = current_device();
  const size_t size = size_class(bytes);
  void* p = allocate_block(device, size);
  std::shared_ptr<void> owner(p, [device, size](void* q) { release_block(device, q, size); });
  if (Recording* recording = current_recording()) recording->blocks.push_back(owner);
  return Tensor(dtype, std::move(shape), p, std::move(owner), Device::kCuda, std::move(name));
}

AllocatorStats allocator_stats() {
  const int device = current_device();
  std::lock_guard<std::mutex> lock(pools_mutex());
  return pool_locked(device).stats;
}

void release_cached_memory() {
  const int device = current_device();
  std::lock_guard<std::mutex> lock(pools_mutex());
  release_cached_locked(pool_locked(device));
}

}  // namespace lightvl::cuda
