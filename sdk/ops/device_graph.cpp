#include "ops/device_graph.h"

#include "backends/cuda/graph.h"
#include "core/error.h"
#include "ops/devices.h"

namespace lightvl::ops {

bool DeviceGraph::available(Device device) { return device == Device::kCuda && cuda_built(); }

DeviceGraph::DeviceGraph(Device device, const std::function<void()>& work) {
  require(available(device), ErrorCode::kUnsupported,
          std::string("recorded device work (CUDA graphs) needs a CUDA device and a build with LIGHTVL_CUDA=ON; got ") +
              device_name(device));
  graph_ = cuda::capture_graph(work);
}

void DeviceGraph::launch() const { cuda::launch_graph(*graph_); }

}  // namespace lightvl::ops
