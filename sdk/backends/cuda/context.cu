// Creation of the per-device contexts (stream, cuBLAS handle); see context.h for the ordering contract.
#include "backends/cuda/context.h"

#include <memory>
#include <mutex>
#include <vector>

#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {
namespace {
thread_local Recording* tls_recording = nullptr;
}  // namespace

Recording* current_recording() { return tls_recording; }
void set_current_recording(Recording* recording) { tls_recording = recording; }

Context& current_context() {
  int device = 0;
  check_cuda(cudaGetDevice(&device));
  if (tls_recording && tls_recording->context->device == device) return *tls_recording->context;
  // Leaked on purpose: tensors released during static destruction may still reach the backend.
  static std::mutex* mutex = new std::mutex;
  static std::vector<Context*>* contexts = new std::vector<Context*>;
  std::lock_guard<std::mutex> lock(*mutex);
  if (contexts->size() <= size_t(device)) contexts->resize(size_t(device) + 1, nullptr);
  Context*& slot = (*contexts)[size_t(device)];
  if (!slot) {
    auto context = std::make_unique<Context>();
    context->device = device;
    check_cuda(cudaStreamCreateWithFlags(&context->stream, cudaStreamNonBlocking));
    check_cublas(cublasCreate(&context->cublas));
    check_cublas(cublasSetStream(context->cublas, context->stream));
    check_cublas(cublasSetMathMode(context->cublas, CUBLAS_DEFAULT_MATH));
    check_cuda(cudaDeviceGetAttribute(&context->multiprocessors, cudaDevAttrMultiProcessorCount, device));
    slot = context.release();
  }
  return *slot;
}

}  // namespace lightvl::cuda
