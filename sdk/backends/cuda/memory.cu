// Host↔device copies, zero fill and dtype conversion of device tensors (allocation is in allocator.cu).
//
// Conversion kernel: one thread per element in a grid-stride loop, load as f32, store rounded to the
// destination type (round to nearest even). Copies are cudaMemcpyAsync on the context stream with
// direction inferred from the pointers (unified addressing); a copy into host memory then waits for the
// stream so the caller can read the result.
#include <cstring>

#include "backends/cuda/common.cuh"
#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/memory.h"

namespace lightvl::cuda {
namespace {

// Host memory and host waits cannot take part in a recorded graph: a replay would touch the host memory
// long after the call that named it. Throws Error(kUnsupported) naming `what` while the calling thread
// records a graph.
void refuse_in_recording(const char* what) {
  require(current_recording() == nullptr, ErrorCode::kUnsupported,
          std::string(what) + " cannot be recorded in a CUDA graph");
}

template <typename S, typename D>
__global__ void convert_kernel(const S* src, D* dst, int64_t n) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    dst[i] = from_float<D>(to_float(src[i]));
  }
}

}  // namespace

void fill_zero(Tensor& t) {
  require(t.device() == Device::kCuda, ErrorCode::kInternal, "cuda::fill_zero needs a device tensor");
  if (t.nbytes() == 0) return;
  check_cuda(cudaMemsetAsync(t.raw(), 0, t.nbytes(), current_context().stream));
}

void copy(const Tensor& src, Tensor& dst) {
  require(src.dtype() == dst.dtype() && src.numel() == dst.numel(), ErrorCode::kInternal,
          std::string("copy: ") + dtype_name(src.dtype()) + " " + shape_string(src.shape()) + " into " +
              dtype_name(dst.dtype()) + " " + shape_string(dst.shape()) + ": dtype and element count must match");
  if (src.nbytes() == 0) return;
  if (src.device() == Device::kCpu && dst.device() == Device::kCpu) {
    std::memcpy(dst.raw(), src.raw(), src.nbytes());
    return;
  }
  if (src.device() == Device::kCpu || dst.device() == Device::kCpu) refuse_in_recording("a copy between host and device memory");
  const Context& ctx = current_context();
  check_cuda(cudaMemcpyAsync(dst.raw(), src.raw(), src.nbytes(), cudaMemcpyDefault, ctx.stream));
  if (dst.device() == Device::kCpu) check_cuda(cudaStreamSynchronize(ctx.stream));
}

void convert(const Tensor& src, Tensor& dst) {
  require(src.device() == Device::kCuda && dst.device() == Device::kCuda && src.numel() == dst.numel(),
          ErrorCode::kInternal, "cuda::convert needs two device tensors with the same element count");
  const int64_t n = src.numel();
  if (n == 0) return;
  if (src.dtype() == dst.dtype()) return copy(src, dst);
  const Context& ctx = current_context();
  with_float_type(src.dtype(), "convert", [&](auto src_tag) {
    using S = decltype(src_tag);
    with_float_type(dst.dtype(), "convert", [&](auto dst_tag) {
      using D = decltype(dst_tag);
      convert_kernel<S, D><<<grid_for(n), kThreads, 0, ctx.stream>>>(elements<S>(src), elements<D>(dst), n);
      check_launch();
    });
  });
}

Tensor upload(const void* host, DType dtype, Shape shape) {
  refuse_in_recording("an upload from host memory");
  Tensor t = empty(dtype, std::move(shape));
  if (t.nbytes()) {
    check_cuda(cudaMemcpyAsync(t.raw(), host, t.nbytes(), cudaMemcpyHostToDevice, current_context().stream));
  }
  return t;
}

void synchronize() {
  refuse_in_recording("waiting for the device");
  check_cuda(cudaStreamSynchronize(current_context().stream));
}

}  // namespace lightvl::cuda
