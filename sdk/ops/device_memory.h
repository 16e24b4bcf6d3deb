// Placement of tensors on compute devices: allocation, copies between host and device, dtype conversion.
//
// Host tensors are Tensor::zeros memory. CUDA tensors live on the calling thread's current CUDA device
// and come from the backend's caching allocator (backends/cuda/memory.h): freeing them is cheap and a
// repeated model step allocates nothing new from the driver. Work on a CUDA device is asynchronous and
// ordered on that device's one stream; functions that hand data to the host wait for it. Thread-safe.
#pragma once

#include <string>

#include "core/tensor.h"

namespace lightvl::ops {

// A tensor on `device` whose contents are unspecified (zero on the host, uninitialised on CUDA).
// Throws Error(kOutOfMemory) when the device is full, Error(kUnsupported) for a device not built.
Tensor empty(DType dtype, Shape shape, Device device, std::string name = {});
// A zero-filled tensor on `device`. Same errors as empty().
Tensor zeros(DType dtype, Shape shape, Device device, std::string name = {});
// `t` itself when it is already on `device` (no copy); otherwise a copy on `device` with the same dtype,
// shape and name. Copying to the host waits for the device.
Tensor to_device(const Tensor& t, Device device);
// dst ← src for the same dtype and element count, between any two devices. Into host memory: the data
// is there on return. Throws Error(kInternal) on a mismatch.
void copy(const Tensor& src, Tensor& dst);
// dst ← src converted between f32, f16 and bf16 (round to nearest even), same device and element count.
// Throws Error(kInternal) on a device or count mismatch, Error(kUnsupported) for other dtypes.
void convert(const Tensor& src, Tensor& dst);
// Waits until the work queued on `device` (the current CUDA device) is done; a no-op for the CPU.
// Throws Error if a kernel failed.
void synchronize(Device device);

}  // namespace lightvl::ops
