// CUDA graphs: the device work of a piece of host code, recorded once and replayed with one launch.
//
// A model step enqueues a few hundred small kernels; replaying them as one graph removes the host's
// per-launch cost and the gaps between kernels. Recording runs the host code once on a capture stream
// of its own (context.h), so nothing executes then, and keeps every block the allocator hands out
// meanwhile: the graph's intermediates stay reserved for its replays. Plain C++ (no CUDA types), so the
// ops layer can include it.
#pragma once

#include <functional>
#include <memory>

namespace lightvl::cuda {

// A recorded graph, ready to launch on the device it was recorded on. Destroying it waits for the
// device's stream (a replay may still be running) and returns its blocks to the allocator.
class CapturedGraph;

// Records the device work that `work` enqueues on the current device, without running it; `work`'s host
// code runs once, now. Tensors made before the call and read by the work must outlive every launch.
// Throws Error(kUnsupported) when the work does something a graph cannot hold (a copy to or from host
// memory, a wait for the device), Error(kInternal) for another CUDA failure, and rethrows what `work`
// throws; the recording is then discarded and nothing has run. Recordings on one device are serialised.
std::shared_ptr<CapturedGraph> capture_graph(const std::function<void()>& work);

// Enqueues one replay of `graph` on the current device's stream (asynchronous). Throws Error(kInternal)
// when the current device is not the one it was recorded on.
void launch_graph(const CapturedGraph& graph);

}  // namespace lightvl::cuda
