// Tensor: a typed, shaped view of memory plus a shared handle that keeps that memory alive.
//
// One type for weights (memory-mapped checkpoint bytes), activations and state. A Tensor is always
// dense and row-major (the last dimension is contiguous; there are no strides to get wrong). Copying a
// Tensor copies the view, never the data; the memory is freed when the last Tensor sharing its owner
// goes away. Slicing along dimension 0 gives views into the same memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace lightvl {

enum class Device : uint8_t { kCpu, kCuda };

// Name used in messages ("cpu", "cuda").
const char* device_name(Device d);

using Shape = std::vector<int64_t>;

// "[2, 3, 4]": for error messages.
std::string shape_string(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;
  // A view of `data` (not owned unless `owner` holds it). `data` must stay valid while `owner` lives.
  Tensor(DType dtype, Shape shape, void* data, std::shared_ptr<void> owner, Device device = Device::kCpu,
         std::string name = {});

  // Allocates zero-initialised host memory (64-byte aligned). Throws Error(kOutOfMemory) on failure.
  static Tensor zeros(DType dtype, Shape shape, std::string name = {});

  DType dtype() const { return dtype_; }
  Device device() const { return device_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return int(shape_.size()); }
  // Size of dimension `i`; negative `i` counts from the end.
  int64_t dim(int i) const { return shape_[size_t(i < 0 ? i + rank() : i)]; }
  int64_t numel() const;
  size_t nbytes() const { return size_t(numel()) * dtype_size(dtype_); }
  const std::string& name() const { return name_; }
  bool defined() const { return data_ != nullptr || numel() == 0; }

  void* raw() const { return data_; }
  template <typename T> T* data() const { return static_cast<T*>(data_); }

  // Rows [begin, end) of dimension 0, sharing memory.
  Tensor slice_rows(int64_t begin, int64_t end) const;
  // Same memory, new shape with the same element count. Throws Error(kInternal) on a count mismatch.
  Tensor reshaped(Shape shape) const;
  // A deep copy in new host memory (used for fork of sequence state).
  Tensor clone() const;

 private:
  DType dtype_ = DType::kF32;
  Device device_ = Device::kCpu;
  Shape shape_;
  void* data_ = nullptr;
  std::shared_ptr<void> owner_;
  std::string name_;
};

}  // namespace lightvl
