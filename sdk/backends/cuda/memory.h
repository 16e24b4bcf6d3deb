// Device memory of the CUDA backend: device tensors from a caching allocator, copies and conversions.
//
// Device tensors live on the calling thread's current CUDA device. Their memory comes from a caching
// allocator: a freed block goes back to a free list of its size class instead of to cudaFree, so after
// warm-up a step of the model allocates nothing from the driver. Size classes are multiples of a quarter
// of the request's power of two (at most 25% slack). Freed blocks are reused in stream order (see
// context.h). When cudaMalloc fails, the cached blocks of that device are released and the call retried
// once. All functions are thread-safe; work is enqueued on the device's context stream.
// Plain C++ (no CUDA types), so the ops layer can include it.
#pragma once

#include <cstdint>
#include <string>

#include "core/tensor.h"

namespace lightvl::cuda {

struct AllocatorStats {
  uint64_t bytes_in_use = 0;        // held by live tensors (by size class)
  uint64_t bytes_cached = 0;        // in free lists, ready for reuse
  uint64_t device_allocations = 0;  // cudaMalloc calls so far (flat after warm-up)
  uint64_t cache_hits = 0;          // requests served from a free list
  uint64_t peak_bytes_in_use = 0;   // the most bytes_in_use has been (high-water mark of live tensors)
};

// A device tensor with uninitialised contents. The memory returns to the allocator when the last
// Tensor sharing it goes away. Throws Error(kOutOfMemory) naming the size and the allocator's state.
Tensor empty(DType dtype, Shape shape, std::string name = {});
// Sets every byte of the device tensor `t` to zero (asynchronous).
void fill_zero(Tensor& t);
// Copies src to dst: same dtype and element count, either may be host or device memory. A copy into
// host memory waits for the stream (the data is there on return); copies into device memory are
// asynchronous but the host source may be reused at once (pageable sources are staged by the driver).
void copy(const Tensor& src, Tensor& dst);
// dst ← src converted element-wise between f32, f16 and bf16 (round to nearest even), both on the
// device, same element count. Throws Error(kUnsupported) for other dtypes.
void convert(const Tensor& src, Tensor& dst);
// A device tensor holding a copy of `bytes` of host memory at `host` (used for small index arrays).
Tensor upload(const void* host, DType dtype, Shape shape);
// Waits until all work queued on the current device's stream has finished; reports kernel faults.
void synchronize();

// Counters of the current device's allocator.
AllocatorStats allocator_stats();
// Returns the current device's cached (free) blocks to the driver; live tensors are untouched.
void release_cached_memory();

}  // namespace lightvl::cuda
