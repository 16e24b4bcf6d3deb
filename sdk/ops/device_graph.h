// Recorded device work: the kernels some host code enqueues, captured once and replayed with one launch
// (CUDA graphs). Decoding uses it to replay a whole model step instead of launching its few hundred
// kernels one by one.
#pragma once

#include <functional>
#include <memory>

#include "core/tensor.h"

namespace lightvl::cuda {
class CapturedGraph;
}  // namespace lightvl::cuda

namespace lightvl::ops {

class DeviceGraph {
 public:
  // True when work on `device` can be recorded in this build (CUDA built in and the device is CUDA).
  static bool available(Device device);

  // Records the device work `work` enqueues on `device` (the current CUDA device) without running it;
  // `work`'s host code runs once, now. Tensors allocated inside `work` stay reserved for the graph (they
  // are its intermediates and outputs: a replay rewrites them); tensors made before and read or written
  // by the work must outlive every launch, at the same addresses. Throws Error(kUnsupported) when graphs
  // are not available for `device` or `work` does something a graph cannot hold (a copy between host and
  // device memory, a wait for the device), and rethrows what `work` throws; nothing has run then.
  DeviceGraph(Device device, const std::function<void()>& work);

  // Enqueues one replay of the recorded work (asynchronous, ordered after the device's earlier work).
  void launch() const;

 private:
  std::shared_ptr<cuda::CapturedGraph> graph_;
};

}  // namespace lightvl::ops
