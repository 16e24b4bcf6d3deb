// Per-device execution context of the CUDA backend: one stream and one cuBLAS handle per device.
//
// Every kernel, copy and cuBLAS call of the backend is enqueued on the context stream of the calling
// thread's current CUDA device (cudaSetDevice). Because all device work of a device is ordered on that
// one stream, the caching allocator (memory.h) may hand a freed block to the next request at once: any
// later use of the block is queued after every earlier use. Internal header, .cu files only (C++17).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

namespace lightvl::cuda {

struct Context {
  int device = 0;
  cudaStream_t stream = nullptr;  // non-blocking: never serialised against the legacy default stream
  cublasHandle_t cublas = nullptr;  // bound to `stream`; default math mode (f32 GEMMs stay f32, no TF32)
  int multiprocessors = 0;
};

// The context of the calling thread's current device, created on first use. Thread-safe; contexts live
// until the process exits (never destroyed, so no teardown races with static destructors).
// Throws Error on a CUDA or cuBLAS failure while creating it.
Context& current_context();

}  // namespace lightvl::cuda
