// Shared checks used by every op's dispatch point (sdk/ops/<op>.cpp).
//
// Each op validates shapes and dtypes once, then picks the backend by device in one switch. A device for
// which this build has no kernel is refused with Error(kUnsupported), never a crash.
#pragma once

#include <string>

#include "core/error.h"
#include "core/tensor.h"

namespace lightvl::ops {

// Throws Error(kInternal) naming `op` unless `t` has rank `rank` and dtype f32 (activations are f32).
void expect_f32(const char* op, const char* what, const Tensor& t, int rank);
// Throws Error(kInternal) naming `op` unless `t` has rank `rank` and a dtype its device computes
// activations in: f32 on the CPU; f32 or bf16 on CUDA (where outputs take the inputs' dtype).
void expect_activation(const char* op, const char* what, const Tensor& t, int rank);
// Throws Error(kInternal) naming `op` unless `t` has `ref`'s device and dtype (operands of one call).
void expect_like(const char* op, const char* what, const Tensor& t, const Tensor& ref);
// Throws Error(kInternal) naming `op` unless `t` lives on `device` (weights next to their activations).
void expect_device(const char* op, const char* what, const Tensor& t, Device device);
// Throws Error(kInternal) naming `op` unless `t` has exactly `shape`.
void expect_shape(const char* op, const char* what, const Tensor& t, const Shape& shape);
// Throws Error(kUnsupported) naming `op` unless `t` is a float weight type (f32, f16, bf16).
void expect_float_weight(const char* op, const Tensor& t);
// Throws Error(kUnsupported): `op` has no kernel for `device` in this build.
[[noreturn]] void unsupported_device(const char* op, Device device);

}  // namespace lightvl::ops
