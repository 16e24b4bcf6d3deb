// Per-device execution context of the CUDA backend: one stream and one cuBLAS handle per device.
//
// Every kernel, copy and cuBLAS call of the backend is enqueued on the context stream of the calling
// thread's current CUDA device (cudaSetDevice). Because all device work of a device is ordered on that
// one stream, the caching allocator (memory.h) may hand a freed block to the next request at once: any
// later use of the block is queued after every earlier use.
// While a thread records a CUDA graph (graph.h), current_context() gives that thread the device's
// capture context instead: its own stream, in capture mode, so that work other threads enqueue meanwhile
// is never recorded, and its own cuBLAS handle with a fixed workspace. Internal header, .cu files only (C++17).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <memory>
#include <vector>

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

// What the calling thread is recording, while it records a graph: the capture context that
// current_context() returns meanwhile, and the allocations made since the recording began (the allocator
// adds each block's owner here, so the blocks stay reserved for the graph's replays).
struct Recording {
  Context* context = nullptr;
  std::vector<std::shared_ptr<void>> blocks;
};
// The calling thread's recording, or nullptr when it records nothing.
Recording* current_recording();
// Starts (non-null) or ends (nullptr) the calling thread's recording; used by graph.cu only.
void set_current_recording(Recording* recording);

}  // namespace lightvl::cuda
