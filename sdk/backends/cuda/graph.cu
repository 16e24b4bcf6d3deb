// CUDA graph recording and replay (see graph.h for the contract).
//
// Recording: cudaStreamBeginCapture on the device's capture stream in relaxed mode (the allocator may
// still call cudaMalloc for a block it does not have cached), the host code runs with current_context()
// answering the capture context, cudaStreamEndCapture and cudaGraphInstantiate. The capture context has
// its own cuBLAS handle with a fixed workspace, so captured GEMMs never allocate; replays of every graph
// of a device run on that device's one stream, in order, so they may share that workspace.
// Limits: one recording at a time per device (a mutex); no nesting.
#include "backends/cuda/graph.h"

#include <map>
#include <mutex>

#include "backends/cuda/context.h"
#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {

class CapturedGraph {
 public:
  CapturedGraph(int device, cudaGraphExec_t exec, std::vector<std::shared_ptr<void>> blocks)
      : device_(device), exec_(exec), blocks_(std::move(blocks)) {}
  CapturedGraph(const CapturedGraph&) = delete;
  CapturedGraph& operator=(const CapturedGraph&) = delete;
  ~CapturedGraph() {
    // A replay may still be queued: let it finish before its memory can be handed out again. Errors are
    // ignored (this may run after the CUDA runtime has shut down at exit).
    try {
      int current = 0;
      if (cudaGetDevice(&current) == cudaSuccess && current == device_) {
        cudaStreamSynchronize(current_context().stream);
      }
    } catch (const Error&) {  // no context to wait on any more (process exit): nothing can be running
    }
    cudaGraphExecDestroy(exec_);
    cudaGetLastError();
  }
  int device() const { return device_; }
  cudaGraphExec_t exec() const { return exec_; }

 private:
  int device_;
  cudaGraphExec_t exec_;
  std::vector<std::shared_ptr<void>> blocks_;  // the graph's intermediates (and outputs), kept reserved
};

namespace {

constexpr size_t kCublasWorkspaceBytes = size_t(32) << 20;  // what NVIDIA suggests for Hopper

struct CaptureSlot {
  std::mutex mutex;  // one recording at a time on this device
  Context context;   // created on first use, never destroyed (like the main contexts)
};

CaptureSlot& capture_slot(int device) {
  static std::mutex* mutex = new std::mutex;
  static std::map<int, CaptureSlot>* slots = new std::map<int, CaptureSlot>;
  std::lock_guard<std::mutex> lock(*mutex);
  return (*slots)[device];
}

// Fills slot.context on first use: a stream and a cuBLAS handle bound to it with its own workspace.
void ensure_capture_context(CaptureSlot& slot, const Context& main) {
  Context& c = slot.context;
  if (c.stream) return;
  c.device = main.device;
  c.multiprocessors = main.multiprocessors;
  check_cuda(cudaStreamCreateWithFlags(&c.stream, cudaStreamNonBlocking));
  check_cublas(cublasCreate(&c.cublas));
  check_cublas(cublasSetStream(c.cublas, c.stream));
  check_cublas(cublasSetMathMode(c.cublas, CUBLAS_DEFAULT_MATH));
  void* workspace = nullptr;
  check_cuda(cudaMalloc(&workspace, kCublasWorkspaceBytes));
  check_cublas(cublasSetWorkspace(c.cublas, workspace, kCublasWorkspaceBytes));
}

// Ends the calling thread's recording on every path out of capture_graph().
class RecordingScope {
 public:
  explicit RecordingScope(Recording& recording) { set_current_recording(&recording); }
  ~RecordingScope() { set_current_recording(nullptr); }
};

}  // namespace

std::shared_ptr<CapturedGraph> capture_graph(const std::function<void()>& work) {
  require(current_recording() == nullptr, ErrorCode::kInternal, "capture_graph: graphs cannot be recorded nested");
  const Context& main = current_context();
  CaptureSlot& slot = capture_slot(main.device);
  std::lock_guard<std::mutex> lock(slot.mutex);
  ensure_capture_context(slot, main);
  const cudaStream_t stream = slot.context.stream;

  Recording recording;
  recording.context = &slot.context;
  cudaGraph_t graph = nullptr;
  {
    RecordingScope scope(recording);
    check_cuda(cudaStreamBeginCapture(stream, cudaStreamCaptureModeRelaxed));
    try {
      work();
    } catch (...) {
      cudaStreamEndCapture(stream, &graph);  // leaves capture mode; the partial graph is dropped
      if (graph) cudaGraphDestroy(graph);
      cudaGetLastError();
      throw;
    }
  }
  check_cuda(cudaStreamEndCapture(stream, &graph));
  cudaGraphExec_t exec = nullptr;
  const cudaError_t status = cudaGraphInstantiate(&exec, graph, 0);
  cudaGraphDestroy(graph);
  check_cuda(status);
  return std::make_shared<CapturedGraph>(main.device, exec, std::move(recording.blocks));
}

void launch_graph(const CapturedGraph& graph) {
  const Context& ctx = current_context();
  require(ctx.device == graph.device(), ErrorCode::kInternal,
          "launch_graph: the graph was recorded on CUDA device " + std::to_string(graph.device()) +
              ", the current device is " + std::to_string(ctx.device));
  check_cuda(cudaGraphLaunch(graph.exec(), ctx.stream));
}

}  // namespace lightvl::cuda
