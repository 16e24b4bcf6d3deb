// CPU backend helper: read a float weight (f32/f16/bf16) as f32 without copying f32 data.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace lightvl::cpu {

// Returns a pointer to `t`'s elements as f32: `t`'s own memory when it is f32, otherwise `scratch`
// resized and filled with the converted values. The pointer is valid while `t` and `scratch` live.
inline const float* weight_as_f32(const Tensor& t, std::vector<float>& scratch) {
  if (t.dtype() == DType::kF32) return t.data<float>();
  scratch.resize(size_t(t.numel()));
  convert_to_f32(t.dtype(), t.raw(), scratch.data(), scratch.size());
  return scratch.data();
}

}  // namespace lightvl::cpu
