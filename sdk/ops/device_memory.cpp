#include "ops/device_memory.h"

#include <cstring>

#include "backends/cuda/memory.h"
#include "ops/dispatch.h"

namespace lightvl::ops {
namespace {

// Host conversion between float storage types through f32 (exact widening, RNE narrowing).
void convert_on_host(const Tensor& src, Tensor& dst) {
  std::vector<float> wide(size_t(src.numel()));
  convert_to_f32(src.dtype(), src.raw(), wide.data(), wide.size());
  switch (dst.dtype()) {
    case DType::kF32: std::memcpy(dst.raw(), wide.data(), wide.size() * sizeof(float)); return;
    case DType::kBF16:
      for (size_t i = 0; i < wide.size(); ++i) dst.data<uint16_t>()[i] = f32_to_bf16(wide[i]);
      return;
    case DType::kF16:
      for (size_t i = 0; i < wide.size(); ++i) dst.data<uint16_t>()[i] = f32_to_f16(wide[i]);
      return;
    default:
      fail(ErrorCode::kUnsupported, std::string("convert: cannot convert to ") + dtype_name(dst.dtype()));
  }
}

}  // namespace

Tensor empty(DType dtype, Shape shape, Device device, std::string name) {
  switch (device) {
    case Device::kCpu: return Tensor::zeros(dtype, std::move(shape), std::move(name));
    case Device::kCuda: return cuda::empty(dtype, std::move(shape), std::move(name));
  }
  unsupported_device("empty", device);
}

Tensor zeros(DType dtype, Shape shape, Device device, std::string name) {
  Tensor t = empty(dtype, std::move(shape), device, std::move(name));
  if (device == Device::kCuda) cuda::fill_zero(t);
  return t;
}

Tensor to_device(const Tensor& t, Device device) {
  if (t.device() == device) return t;
  Tensor out = empty(t.dtype(), t.shape(), device, t.name());
  copy(t, out);
  return out;
}

void copy(const Tensor& src, Tensor& dst) {
  require(src.dtype() == dst.dtype() && src.numel() == dst.numel(), ErrorCode::kInternal,
          std::string("copy: ") + dtype_name(src.dtype()) + " " + shape_string(src.shape()) + " into " +
              dtype_name(dst.dtype()) + " " + shape_string(dst.shape()) + ": dtype and element count must match");
  if (src.device() == Device::kCpu && dst.device() == Device::kCpu) {
    if (src.nbytes()) std::memcpy(dst.raw(), src.raw(), src.nbytes());
    return;
  }
  cuda::copy(src, dst);
}

void convert(const Tensor& src, Tensor& dst) {
  require(src.device() == dst.device() && src.numel() == dst.numel(), ErrorCode::kInternal,
          "convert: source and destination must be on one device with the same element count");
  switch (src.device()) {
    case Device::kCpu: return convert_on_host(src, dst);
    case Device::kCuda: return cuda::convert(src, dst);
  }
}

void synchronize(Device device) {
  if (device == Device::kCuda) cuda::synchronize();
}

}  // namespace lightvl::ops
