#include "ops/random_fill.h"

#include "backends/cuda/random_fill.h"
#include "ops/dispatch.h"

namespace lightvl::ops {

void fill_uniform(Tensor& t, float low, float high, uint64_t seed) {
  require(is_float_weight(t.dtype()), ErrorCode::kUnsupported,
          std::string("fill_uniform: dtype ") + dtype_name(t.dtype()) + " is not f32, f16 or bf16");
  switch (t.device()) {
    case Device::kCpu: {  // the same counter-based hash as the CUDA kernel, so both give equal tensors
      for (int64_t i = 0; i < t.numel(); ++i) {
        const float u = cuda::uniform_from_counter(seed, uint64_t(i));
        const float v = low + (high - low) * u;
        if (t.dtype() == DType::kF32) t.data<float>()[i] = v;
        if (t.dtype() == DType::kBF16) t.data<uint16_t>()[i] = f32_to_bf16(v);
        if (t.dtype() == DType::kF16) t.data<uint16_t>()[i] = f32_to_f16(v);
      }
      return;
    }
    case Device::kCuda: return cuda::fill_uniform(t, low, high, seed);
    default: unsupported_device("fill_uniform", t.device());
  }
}

}  // namespace lightvl::ops
