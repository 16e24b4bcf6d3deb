#include "ops/dispatch.h"

namespace lightvl::ops {

void expect_f32(const char* op, const char* what, const Tensor& t, int rank) {
  require(t.dtype() == DType::kF32 && t.rank() == rank, ErrorCode::kInternal,
          std::string(op) + ": " + what + " must be an f32 tensor of rank " + std::to_string(rank) + ", got " +
              dtype_name(t.dtype()) + " " + shape_string(t.shape()));
}

void expect_activation(const char* op, const char* what, const Tensor& t, int rank) {
  if (t.device() == Device::kCpu) return expect_f32(op, what, t, rank);
  require((t.dtype() == DType::kF32 || t.dtype() == DType::kBF16) && t.rank() == rank, ErrorCode::kInternal,
          std::string(op) + ": " + what + " must be an f32 or bf16 " + device_name(t.device()) + " tensor of rank " +
              std::to_string(rank) + ", got " + dtype_name(t.dtype()) + " " + shape_string(t.shape()));
}

void expect_like(const char* op, const char* what, const Tensor& t, const Tensor& ref) {
  require(t.device() == ref.device() && t.dtype() == ref.dtype(), ErrorCode::kInternal,
          std::string(op) + ": " + what + " is " + dtype_name(t.dtype()) + " on " + device_name(t.device()) +
              ", expected " + dtype_name(ref.dtype()) + " on " + device_name(ref.device()) + " like the input");
}

void expect_device(const char* op, const char* what, const Tensor& t, Device device) {
  require(t.device() == device, ErrorCode::kInternal,
          std::string(op) + ": " + what + " '" + t.name() + "' is on " + device_name(t.device()) + " but the input is on " +
              device_name(device) + "; move it with ops::to_device first");
}

void expect_shape(const char* op, const char* what, const Tensor& t, const Shape& shape) {
  require(t.shape() == shape, ErrorCode::kInternal,
          std::string(op) + ": " + what + " has shape " + shape_string(t.shape()) + ", expected " +
              shape_string(shape));
}

void expect_float_weight(const char* op, const Tensor& t) {
  require(is_float_weight(t.dtype()), ErrorCode::kUnsupported,
          std::string(op) + ": weight '" + t.name() + "' has dtype " + dtype_name(t.dtype()) +
              "; only f32, f16 and bf16 weights are supported");
}

void unsupported_device(const char* op, Device device) {
  fail(ErrorCode::kUnsupported, std::string(op) + " has no " + device_name(device) +
                                    " kernel in this build; rebuild with the matching LIGHTVL_* option");
}

}  // namespace lightvl::ops
