#include "core/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "core/error.h"

namespace lightvl {

const char* device_name(Device d) { return d == Device::kCpu ? "cpu" : "cuda"; }

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Tensor::Tensor(DType dtype, Shape shape, void* data, std::shared_ptr<void> owner, Device device, std::string name)
    : dtype_(dtype), device_(device), shape_(std::move(shape)), data_(data), owner_(std::move(owner)),
      name_(std::move(name)) {}

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape_) n *= d;
  return n;
}

Tensor Tensor::zeros(DType dtype, Shape shape, std::string name) {
  int64_t n = 1;
  for (int64_t d : shape) {
    require(d >= 0, ErrorCode::kInternal, "negative dimension in " + shape_string(shape));
    n *= d;
  }
  const size_t bytes = size_t(n) * dtype_size(dtype);
  const size_t rounded = (bytes + 63) / 64 * 64;
  void* p = rounded ? std::aligned_alloc(64, rounded) : nullptr;
  if (rounded && !p) {
    fail(ErrorCode::kOutOfMemory, "could not allocate " + std::to_string(bytes) + " bytes for tensor " +
                                      (name.empty() ? shape_string(shape) : name));
  }
  if (p) std::memset(p, 0, rounded);
  std::shared_ptr<void> owner(p, [](void* q) { std::free(q); });
  return Tensor(dtype, std::move(shape), p, std::move(owner), Device::kCpu, std::move(name));
}

Tensor Tensor::slice_rows(int64_t begin, int64_t end) const {
  require(rank() >= 1 && begin >= 0 && begin <= end && end <= shape_[0], ErrorCode::kInternal,
          "slice_rows [" + std::to_string(begin) + ", " + std::to_string(end) + ") out of " + shape_string(shape_));
  Shape s = shape_;
  s[0] = end - begin;
  const size_t row_bytes = shape_[0] ? nbytes() / size_t(shape_[0]) : 0;
  return Tensor(dtype_, std::move(s), static_cast<char*>(data_) + size_t(begin) * row_bytes, owner_, device_, name_);
}

Tensor Tensor::reshaped(Shape shape) const {
  Tensor t(dtype_, std::move(shape), data_, owner_, device_, name_);
  require(t.numel() == numel(), ErrorCode::kInternal,
          "reshape of " + shape_string(shape_) + " to " + shape_string(t.shape()) + " changes the element count");
  return t;
}

Tensor Tensor::clone() const {
  require(device_ == Device::kCpu, ErrorCode::kInternal, "Tensor::clone is host-only");
  Tensor t = zeros(dtype_, shape_, name_);
  if (nbytes()) std::memcpy(t.raw(), data_, nbytes());
  return t;
}

}  // namespace lightvl
