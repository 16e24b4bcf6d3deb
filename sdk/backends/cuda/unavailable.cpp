// The CUDA backend's entry points in a build without CUDA (LIGHTVL_CUDA=OFF): each refuses with
// Error(kUnsupported), so the ops layer can name cuda:: functions without conditional compilation.
// Compiled into lightvl_ops only when the real backend is not built.
#include "backends/cuda/activation.h"
#include "backends/cuda/attention.h"
#include "backends/cuda/copy_2d.h"
#include "backends/cuda/copy_rows_at.h"
#include "backends/cuda/random_fill.h"
#include "backends/cuda/argmax.h"
#include "backends/cuda/embedding.h"
#include "backends/cuda/graph.h"
#include "backends/cuda/lightning_attention.h"
#include "backends/cuda/linear.h"
#include "backends/cuda/memory.h"
#include "backends/cuda/moe.h"
#include "backends/cuda/moe_grouped.h"
#include "backends/cuda/moe_small_batch.h"
#include "backends/cuda/norm.h"
#include "backends/cuda/rope.h"
#include "backends/cuda/unfold_patches.h"
#include "core/error.h"

namespace lightvl::cuda {
namespace {
[[noreturn]] void unavailable() {
  fail(ErrorCode::kUnsupported, "this build of lightvl has no CUDA backend; rebuild with -DLIGHTVL_CUDA=ON");
}
}  // namespace

Tensor empty(DType, Shape, std::string) { unavailable(); }
void fill_zero(Tensor&) { unavailable(); }
void copy(const Tensor&, Tensor&) { unavailable(); }
void convert(const Tensor&, Tensor&) { unavailable(); }
Tensor upload(const void*, DType, Shape) { unavailable(); }
void synchronize() { unavailable(); }
void copy_2d(const void*, size_t, void*, size_t, size_t, size_t) { unavailable(); }
void copy_rows_at(const void*, int64_t, int64_t, const int64_t*, void*, int64_t) { unavailable(); }
void fill_uniform(Tensor&, float, float, uint64_t) { unavailable(); }
void unfold_patches(const Tensor&, int64_t, Tensor&) { unavailable(); }
AllocatorStats allocator_stats() { return {}; }
std::shared_ptr<CapturedGraph> capture_graph(const std::function<void()>&) { unavailable(); }
void launch_graph(const CapturedGraph&) { unavailable(); }
void release_cached_memory() {}

void linear(const Tensor&, const Tensor&, const Tensor*, Tensor&) { unavailable(); }
void linear_int8(const Tensor&, const Tensor&, const Tensor&, const Tensor*, Tensor&) { unavailable(); }
void add_bias(Tensor&, const Tensor&) { unavailable(); }
void rms_norm(const Tensor&, const Tensor&, float, Tensor&) { unavailable(); }
void layer_norm(const Tensor&, const Tensor&, const Tensor&, float, Tensor&) { unavailable(); }
void silu_inplace(Tensor&) { unavailable(); }
void gelu_inplace(Tensor&, bool) { unavailable(); }
void swiglu(const Tensor&, const Tensor&, Tensor&) { unavailable(); }
void sigmoid_gate_inplace(Tensor&, const Tensor&) { unavailable(); }
void scaled_add(float, const Tensor&, float, const Tensor&, Tensor&) { unavailable(); }
void rope_inplace(Tensor&, const std::vector<int64_t>&, int, double) { unavailable(); }
void rope_inplace(Tensor&, const Tensor&, int, double) { unavailable(); }
void embedding(const std::vector<int32_t>&, const Tensor&, Tensor&) { unavailable(); }
void argmax_rows(const Tensor&, std::vector<int32_t>&) { unavailable(); }
ops::Routing moe_route(const Tensor&, int) { unavailable(); }
void gather_rows(const Tensor&, const std::vector<int32_t>&, Tensor&) { unavailable(); }
void scatter_add_rows(const Tensor&, const std::vector<int32_t>&, const std::vector<float>&, Tensor&) { unavailable(); }
void moe_route_on_device(const Tensor&, int, Tensor&, Tensor&) { unavailable(); }
void moe_experts_small_batch(const Tensor&, const Tensor&, int, const std::vector<ops::MoeExpert>&, Tensor&) {
  unavailable();
}
bool moe_experts_small_batch_supported(const Tensor&, int, const std::vector<ops::MoeExpert>&) { return false; }
void moe_experts_grouped(const Tensor&, const Tensor&, int, const std::vector<ops::MoeExpert>&, Tensor&) {
  unavailable();
}
bool moe_experts_grouped_supported(const Tensor&, int, const std::vector<ops::MoeExpert>&) { return false; }
void attention(const Tensor&, const Tensor&, const Tensor&, int64_t, bool, float, Tensor&) { unavailable(); }
void cached_attention(const Tensor&, const Tensor&, const Tensor&, const Tensor&, float, Tensor&) { unavailable(); }
void attention_sequences(const Tensor&, const Tensor&, const Tensor&, int64_t, float, Tensor&) { unavailable(); }
bool attention_sequences_in_one_launch(const Tensor&, const Tensor&, const Tensor&, int64_t, const Tensor&) {
  return false;
}
int attention_key_splits(int64_t, int64_t, int64_t, int64_t, int) { return 1; }
bool attention_uses_tensor_cores(DType, int64_t, int64_t, int64_t, int64_t) { return false; }
void lightning_attention(const Tensor&, const Tensor&, const Tensor&, const std::vector<float>&, int, Tensor&,
                         Tensor&) {
  unavailable();
}

}  // namespace lightvl::cuda
