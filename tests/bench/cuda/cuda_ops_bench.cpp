// Micro-benchmarks of the CUDA ops at MiniMax-Text-01 sizes (hidden 6144, 64 query heads of 128, 8 KV
// heads, lightning state 64 × 128 × 128 f32): GEMMs through cuBLAS, softmax attention prefill and
// decode, lightning attention chunked prefill and decode step, and the routed experts of one MoE layer
// (32 experts of I 9216, top-2) at decode (the fused small-batch op beside the per-expert GEMM path)
// and at prefill (the grouped-GEMM op beside the per-expert GEMM path).
// Prints the time per call and the achieved TFLOP/s (compute-bound ops) or GB/s (memory-bound ops)
// against the device's peak.
//
// Usage: cuda_ops_bench [--quick | --moe | --int8 | --lightning] (the last three: only the MoE, int8 or
// bf16 lightning benchmarks).
// Timing: a warm-up call, then enough calls for ≥ 50 ms (at most 200), closed by a device synchronisation, measured with std::chrono on the host (so small decode ops include
// their launch overhead, as the engine will see it). Peaks: dense bf16 tensor-core 989 TFLOP/s, f32 CUDA
// cores 67 TFLOP/s; HBM 3.35 TB/s (H100 SXM) or 4.8 TB/s (H200).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "backends/cuda/attention.h"
#include "backends/cuda/attention_tensor_core.h"
#include "backends/cuda/device.h"
#include "backends/cuda/lightning_tensor_core.h"
#include "ops/activation.h"
#include "ops/attention.h"
#include "ops/device_memory.h"
#include "ops/lightning_attention.h"
#include "ops/linear.h"
#include "ops/quantize.h"
#include "ops/moe.h"
#include "ops/moe_grouped.h"
#include "ops/moe_small_batch.h"
#include "ops/random_fill.h"

namespace lightvl {
namespace {

constexpr double kBf16Peak = 989e12, kF32Peak = 67e12;
double hbm_peak = 3.35e12;

// Seconds per call of `fn`.
double time_op(const std::function<void()>& fn) {
  fn();
  ops::synchronize(Device::kCuda);
  int calls = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0.0;
  while (calls < 200 && elapsed < 0.05) {
    fn();
    ++calls;
    if (calls % 5 == 0 || calls == 1) {
      ops::synchronize(Device::kCuda);
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  }
  ops::synchronize(Device::kCuda);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / calls;
}

void report_flops(const std::string& name, double seconds, double flops, double peak) {
  std::printf("[ bench ] %-58s %9.3f ms  %7.1f TFLOP/s  (%4.1f%% of %.0f)\n", name.c_str(), seconds * 1e3,
              flops / seconds / 1e12, 100.0 * flops / seconds / peak, peak / 1e12);
}

void report_bytes(const std::string& name, double seconds, double bytes) {
  std::printf("[ bench ] %-58s %9.3f ms  %7.0f GB/s     (%4.1f%% of %.0f)\n", name.c_str(), seconds * 1e3,
              bytes / seconds / 1e9, 100.0 * bytes / seconds / hbm_peak, hbm_peak / 1e9);
}

// A device tensor with small deterministic values (contents do not matter for timing, NaNs would).
Tensor filled(DType dtype, Shape shape) {
  Tensor host = Tensor::zeros(DType::kF32, shape);
  for (int64_t i = 0; i < host.numel(); ++i) host.data<float>()[i] = float((i * 7919) % 1000) * 1e-4f - 0.05f;
  Tensor typed = Tensor::zeros(dtype, shape);
  ops::convert(host, typed);
  return ops::to_device(typed, Device::kCuda);
}

void bench_linear(int64_t t, int64_t k, int64_t n, DType dtype, const char* what) {
  const Tensor x = filled(dtype, {t, k}), w = filled(dtype, {n, k});
  Tensor out = ops::empty(dtype, {t, n}, Device::kCuda);
  const double s = time_op([&] { ops::linear(x, w, nullptr, out); });
  const std::string name = std::string("linear ") + what + " " + dtype_name(dtype) + " " + std::to_string(t) + "x" +
                           std::to_string(k) + "x" + std::to_string(n);
  if (t == 1) {
    report_bytes(name, s, double(n * k) * dtype_size(dtype));
  } else {
    report_flops(name, s, 2.0 * t * k * n, dtype == DType::kF32 ? kF32Peak : kBf16Peak);
  }
}

// Weight-only int8 linear at decode (T ≤ 8: the GEMV) or prefill (dequantised panels + cuBLAS), with
// activations in `dtype`, next to the bf16-weight linear of the same shape. GB/s counts the int8 matrix
// (1 byte per weight) plus its f32 scales; the bf16 line counts 2 bytes per weight.
void bench_linear_int8(int64_t t, int64_t k, int64_t n, DType dtype, const char* what) {
  Tensor host = Tensor::zeros(DType::kF32, {n, k});
  for (int64_t i = 0; i < host.numel(); ++i) host.data<float>()[i] = float((i * 7919) % 1000) * 1e-4f - 0.05f;
  const ops::LinearWeight q = ops::quantize_int8(host);
  const ops::LinearWeight w(ops::to_device(q, Device::kCuda), ops::to_device(q.scales, Device::kCuda));
  const Tensor x = filled(dtype, {t, k});
  Tensor out = ops::empty(dtype, {t, n}, Device::kCuda);
  const double s = time_op([&] { ops::linear(x, w, nullptr, out); });
  const std::string name = std::string("linear int8 ") + what + " " + dtype_name(dtype) + " " + std::to_string(t) +
                           "x" + std::to_string(k) + "x" + std::to_string(n);
  if (t <= 8) {
    report_bytes(name, s, double(n * k) + 4.0 * double(n));
  } else {
    report_flops(name, s, 2.0 * t * k * n, dtype == DType::kF32 ? kF32Peak : kBf16Peak);
  }
}

void bench_attention(int64_t t, int64_t past, DType dtype) {
  const int64_t hq = 64, hkv = 8, d = 128, keys = past + t;
  const Tensor q = filled(dtype, {t, hq, d}), k = filled(dtype, {keys, hkv, d}), v = filled(dtype, {keys, hkv, d});
  Tensor out = ops::empty(dtype, {t, hq, d}, Device::kCuda);
  const double s = time_op([&] { ops::attention(q, k, v, past, true, 0.0883883f, out); });
  const bool tensor_cores = cuda::attention_uses_tensor_cores(dtype, t, hq, hkv, d);
  const std::string name = std::string("attention ") + dtype_name(dtype) + " T=" + std::to_string(t) +
                           " past=" + std::to_string(past) + " 64q/8kv x128" + (tensor_cores ? " (TC)" : "");
  if (t == 1) {
    report_bytes(name, s, 2.0 * double(keys * hkv * d) * dtype_size(dtype));
  } else {
    // Causal: each query sees past + t + 1 keys; QKᵀ and PV are 2·d flops per (query, key, head) each.
    const double pairs = double(t) * double(past) + double(t) * double(t + 1) / 2.0;
    report_flops(name, s, 4.0 * pairs * d * hq, tensor_cores ? kBf16Peak : kF32Peak);
  }
}

// The older tensor-core kernel (attention_tensor_core.cu: 64 rows of the GQA group per block, what
// ops::attention ran for bf16 prefill before the flash kernel) at the same causal prefill shapes, called
// directly, so the two kernels are compared in one run; flops counted as in bench_attention.
void bench_attention_row_tiles(int64_t t) {
  const int64_t hq = 64, hkv = 8, d = 128;
  const Tensor q = filled(DType::kBF16, {t, hq, d}), k = filled(DType::kBF16, {t, hkv, d});
  const Tensor v = filled(DType::kBF16, {t, hkv, d});
  Tensor out = ops::empty(DType::kBF16, {t, hq, d}, Device::kCuda);
  cuda::AttentionShape shape;
  shape.tokens = t;
  shape.keys = t;
  shape.q_heads = int(hq);
  shape.kv_heads = int(hkv);
  shape.group = int(hq / hkv);
  shape.head_dim = int(d);
  shape.causal = true;
  shape.scale = 0.0883883f;
  const double s = time_op([&] { cuda::tensor_core_attention(q, k, v, out, shape); });
  const double pairs = double(t) * double(t + 1) / 2.0;
  report_flops("attention-row-tiles bf16 T=" + std::to_string(t) + " past=0 64q/8kv x128", s, 4.0 * pairs * d * hq,
               kBf16Peak);
}

void bench_lightning(int64_t t, DType dtype) {
  const int64_t h = 64, d = 128;
  const Tensor q = filled(dtype, {t, h, d}), k = filled(dtype, {t, h, d}), v = filled(dtype, {t, h, d});
  Tensor state = ops::zeros(DType::kF32, {h, d, d}, Device::kCuda);
  Tensor out = ops::empty(dtype, {t, h, d}, Device::kCuda);
  std::vector<float> rates(static_cast<size_t>(h));
  for (int64_t i = 0; i < h; ++i) rates[size_t(i)] = float(std::pow(2.0, -double(i + 1) / 8.0));
  const double s = time_op([&] { ops::lightning_attention(q, k, v, rates, 256, state, out); });
  const std::string name = std::string("lightning ") + dtype_name(dtype) + " T=" + std::to_string(t) + " 64x128";
  if (t == 1) {
    report_bytes(name, s, 2.0 * double(h * d * d) * 4.0);  // the f32 state is read and written
  } else if (dtype == DType::kBF16) {
    // Tensor-core path (lightning_tensor_core.cu), products it issues per token and head: the state
    // update (K ⊙ w)ᵀ·V twice (hi and lo bf16 parts of the decayed keys), 4d²; Q·S, 2d²; Q·Kᵀ and P·V
    // over the 16-key slices up to the diagonal, (C + 16) / 2 keys per query on average, 2·(C + 16)·d.
    const double chunk = double(cuda::kLightningChunk);
    report_flops(name, s, double(t) * h * (6.0 * d * d + 2.0 * (chunk + 16.0) * d), kBf16Peak);
  } else {
    const double block = 256.0;  // Q·S, Q·Kᵀ, A·V, Kᵀ·V per block and head
    report_flops(name, s, double(t) * h * (4.0 * d * d + 4.0 * std::min<double>(block, double(t)) * d), kF32Peak);
  }
}

// The per-expert GEMM path of text/backbone/moe_block.cpp (routing copied to the host, then per expert
// gather, gate/up/down GEMMs, SwiGLU, scatter-add), for comparison with the fused op.
void moe_gemm_path(const Tensor& x, const Tensor& logits, int top_k, const std::vector<ops::MoeExpert>& experts,
                   Tensor& out) {
  const int64_t tokens = x.dim(0), hidden = x.dim(1), inter = experts[0].gate->dim(0);
  const ops::Routing routing = ops::moe_route(logits, top_k);
  out = ops::zeros(x.dtype(), {tokens, hidden}, Device::kCuda);
  for (size_t e = 0; e < experts.size(); ++e) {
    std::vector<int32_t> rows;
    std::vector<float> scales;
    for (size_t slot = 0; slot < routing.expert_ids.size(); ++slot) {
      if (routing.expert_ids[slot] == int32_t(e)) {
        rows.push_back(int32_t(slot / size_t(top_k)));
        scales.push_back(routing.weights[slot]);
      }
    }
    if (rows.empty()) continue;
    const int64_t n = int64_t(rows.size());
    Tensor xs = ops::empty(x.dtype(), {n, hidden}, Device::kCuda);
    ops::gather_rows(x, rows, xs);
    Tensor gate = ops::empty(x.dtype(), {n, inter}, Device::kCuda);
    Tensor up = ops::empty(x.dtype(), {n, inter}, Device::kCuda);
    ops::linear(xs, *experts[e].gate, nullptr, gate);
    ops::linear(xs, *experts[e].up, nullptr, up);
    ops::swiglu(gate, up, gate);
    Tensor y = ops::empty(x.dtype(), {n, hidden}, Device::kCuda);
    ops::linear(gate, *experts[e].down, nullptr, y);
    ops::scatter_add_rows(y, rows, scales, out);
  }
}

// One MoE layer's routed experts in bf16: hidden 6144, 32 experts of I 9216 (32 × 3 × 113 MB = 10.9 GB,
// filled on the device). `experts` points into `weights` (a move keeps the vector's elements in place).
struct MoeLayer {
  std::vector<Tensor> weights;
  std::vector<ops::MoeExpert> experts;
};
constexpr int64_t kMoeHidden = 6144, kMoeInter = 9216, kMoeExperts = 32;

MoeLayer make_moe_layer(DType dtype) {
  MoeLayer layer;
  for (int64_t i = 0; i < 3 * kMoeExperts; ++i) {
    layer.weights.push_back(
        ops::empty(dtype, i % 3 == 2 ? Shape{kMoeHidden, kMoeInter} : Shape{kMoeInter, kMoeHidden}, Device::kCuda));
    ops::fill_uniform(layer.weights.back(), -0.02f, 0.02f, uint64_t(i + 1));
  }
  for (int64_t e = 0; e < kMoeExperts; ++e) {
    layer.experts.push_back(
        {&layer.weights[size_t(3 * e)], &layer.weights[size_t(3 * e + 1)], &layer.weights[size_t(3 * e + 2)]});
  }
  return layer;
}

// The routed experts at decode, top-2. GB/s counts the weights of the distinct experts the tokens are
// routed to (each read once by the fused op).
void bench_moe_decode(const std::vector<int64_t>& token_counts) {
  const int64_t hidden = kMoeHidden, inter = kMoeInter, num_experts = kMoeExperts;
  const int top_k = 2;
  const DType dtype = DType::kBF16;
  const MoeLayer layer = make_moe_layer(dtype);
  const std::vector<ops::MoeExpert>& experts = layer.experts;
  const double expert_bytes = 3.0 * double(hidden) * double(inter) * dtype_size(dtype);
  for (const int64_t t : token_counts) {
    const Tensor x = filled(dtype, {t, hidden});
    Tensor logits = ops::empty(dtype, {t, num_experts}, Device::kCuda);
    ops::fill_uniform(logits, -2.0f, 2.0f, uint64_t(100 + t));
    const ops::Routing routing = ops::moe_route(logits, top_k);  // to count the experts read
    std::vector<bool> used(size_t(num_experts), false);
    for (int32_t e : routing.expert_ids) used[size_t(e)] = true;
    const int64_t distinct = std::count(used.begin(), used.end(), true);
    Tensor out = ops::empty(dtype, {t, hidden}, Device::kCuda);
    const std::string shape = std::string(" ") + dtype_name(dtype) + " T=" + std::to_string(t) +
                              " 6144x9216 E=32 k=2 (" + std::to_string(distinct) + " experts)";
    const double fused = time_op([&] { ops::moe_experts_small_batch(x, logits, top_k, experts, out); });
    report_bytes("moe experts fused" + shape, fused, double(distinct) * expert_bytes);
    const double gemm = time_op([&] { moe_gemm_path(x, logits, top_k, experts, out); });
    report_bytes("moe experts gemm path" + shape, gemm, double(distinct) * expert_bytes);
  }
}

// The routed experts at prefill, top-2: the grouped-GEMM op (ops/moe_grouped.h) beside the per-expert
// GEMM path. TFLOP/s counts the expert GEMMs only, 2 · 3 · T·k · hidden · I (routing, permutation,
// SwiGLU and the combination are in the time, not in the count).
void bench_moe_prefill(int64_t tokens) {
  const int top_k = 2;
  const DType dtype = DType::kBF16;
  const MoeLayer layer = make_moe_layer(dtype);
  const Tensor x = filled(dtype, {tokens, kMoeHidden});
  Tensor logits = ops::empty(dtype, {tokens, kMoeExperts}, Device::kCuda);
  ops::fill_uniform(logits, -2.0f, 2.0f, uint64_t(200 + tokens));
  Tensor out = ops::empty(dtype, {tokens, kMoeHidden}, Device::kCuda);
  const double flops = 2.0 * 3.0 * double(tokens * top_k) * double(kMoeHidden) * double(kMoeInter);
  const std::string shape = std::string(" ") + dtype_name(dtype) + " T=" + std::to_string(tokens) + " 6144x9216 E=32 k=2";
  const double grouped = time_op([&] { ops::moe_experts_grouped(x, logits, top_k, layer.experts, out); });
  report_flops("moe experts grouped" + shape, grouped, flops, kBf16Peak);
  const double gemm = time_op([&] { moe_gemm_path(x, logits, top_k, layer.experts, out); });
  report_flops("moe experts gemm path" + shape, gemm, flops, kBf16Peak);
}

}  // namespace
}  // namespace lightvl

int main(int argc, char** argv) {
  using namespace lightvl;
  const auto devices = cuda::list_devices();
  if (devices.empty()) {
    std::printf("no CUDA device\n");
    return 1;
  }
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const bool moe_only = argc > 1 && std::strcmp(argv[1], "--moe") == 0;
  const bool int8_only = argc > 1 && std::strcmp(argv[1], "--int8") == 0;
  const bool lightning_only = argc > 1 && std::strcmp(argv[1], "--lightning") == 0;
  if (devices[0].name.find("H200") != std::string::npos) hbm_peak = 4.8e12;
  std::printf("device: %s, %d SMs, driver %s\n", devices[0].name.c_str(), devices[0].multiprocessors,
              cuda::driver_version().c_str());
  if (int8_only) {  // decode shapes of the experts (w1/w3: 6144→9216, w2: 9216→6144), int8 next to bf16
    for (int64_t t : {int64_t(1), int64_t(4), int64_t(8)}) {
      bench_linear(t, 6144, 9216, DType::kBF16, "expert w1");
      bench_linear_int8(t, 6144, 9216, DType::kBF16, "expert w1");
      bench_linear(t, 9216, 6144, DType::kBF16, "expert w2");
      bench_linear_int8(t, 9216, 6144, DType::kBF16, "expert w2");
    }
    bench_linear_int8(1, 6144, 9216, DType::kF32, "expert w1");
    bench_linear_int8(4096, 6144, 9216, DType::kBF16, "expert w1");
    return 0;
  }
  if (lightning_only) {  // the bf16 prefill lengths the peers are compared at, and decode
    for (int64_t t : {int64_t(4096), int64_t(32768), int64_t(1)}) bench_lightning(t, DType::kBF16);
    return 0;
  }
  if (moe_only) {
    bench_moe_decode({1, 2, 4, 8});
    bench_moe_prefill(4096);
    return 0;
  }
  // Projections of one MiniMax layer: qkv (lightning) 6144→24576, out 8192→6144, expert w1 6144→9216.
  for (int64_t t : {int64_t(1), int64_t(4096)}) {
    bench_linear(t, 6144, 24576, DType::kBF16, "qkv");
    bench_linear(t, 6144, 9216, DType::kBF16, "expert w1");
    bench_linear(t, 8192, 6144, DType::kBF16, "out");
  }
  bench_linear(4096, 6144, 9216, DType::kF32, "expert w1");
  bench_linear_int8(1, 6144, 9216, DType::kBF16, "expert w1");
  bench_linear_int8(1, 9216, 6144, DType::kBF16, "expert w2");
  for (DType dtype : {DType::kBF16, DType::kF32}) {
    bench_attention(quick ? 1024 : 4096, 0, dtype);
    if (dtype == DType::kBF16) bench_attention_row_tiles(quick ? 1024 : 4096);
    bench_attention(1, 32767, dtype);
    bench_attention(1, quick ? 32767 : 131071, dtype);
    bench_lightning(quick ? 1024 : 4096, dtype);
    bench_lightning(1, dtype);
  }
  if (!quick) {  // one 32k prompt in one call: the length the issue compares with the peers at
    bench_attention(32768, 0, DType::kBF16);
    bench_attention_row_tiles(32768);
    bench_lightning(32768, DType::kBF16);
  }
  bench_moe_decode({1, 2, 4, 8});
  bench_moe_prefill(quick ? 1024 : 4096);
  return 0;
}
