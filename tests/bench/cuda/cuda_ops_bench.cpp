// Micro-benchmarks of the CUDA ops at MiniMax-Text-01 sizes (hidden 6144, 64 query heads of 128, 8 KV
// heads, lightning state 64 × 128 × 128 f32): GEMMs through cuBLAS, softmax attention prefill and
// decode, lightning attention chunked prefill and decode step. Prints the time per call and the achieved
// TFLOP/s (compute-bound ops) or GB/s (memory-bound ops) against the device's peak.
//
// Usage: cuda_ops_bench [--quick]. Timing: a warm-up call, then enough calls for ≥ 50 ms (at most 200),
// closed by a device synchronisation, measured with std::chrono on the host (so small decode ops include
// their launch overhead, as the engine will see it). Peaks: dense bf16 tensor-core 989 TFLOP/s, f32 CUDA
// cores 67 TFLOP/s; HBM 3.35 TB/s (H100 SXM) or 4.8 TB/s (H200).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "backends/cuda/attention.h"
#include "backends/cuda/device.h"
#include "ops/attention.h"
#include "ops/device_memory.h"
#include "ops/lightning_attention.h"
#include "ops/linear.h"

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
  } else {
    const double block = 256.0;  // Q·S, Q·Kᵀ, A·V, Kᵀ·V per block and head
    report_flops(name, s, double(t) * h * (4.0 * d * d + 4.0 * std::min<double>(block, double(t)) * d), kF32Peak);
  }
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
  if (devices[0].name.find("H200") != std::string::npos) hbm_peak = 4.8e12;
  std::printf("device: %s, %d SMs, driver %s\n", devices[0].name.c_str(), devices[0].multiprocessors,
              cuda::driver_version().c_str());
  // Projections of one MiniMax layer: qkv (lightning) 6144→24576, out 8192→6144, expert w1 6144→9216.
  for (int64_t t : {int64_t(1), int64_t(4096)}) {
    bench_linear(t, 6144, 24576, DType::kBF16, "qkv");
    bench_linear(t, 6144, 9216, DType::kBF16, "expert w1");
    bench_linear(t, 8192, 6144, DType::kBF16, "out");
  }
  bench_linear(4096, 6144, 9216, DType::kF32, "expert w1");
  for (DType dtype : {DType::kBF16, DType::kF32}) {
    bench_attention(quick ? 1024 : 4096, 0, dtype);
    bench_attention(1, 32767, dtype);
    bench_attention(1, quick ? 32767 : 131071, dtype);
    bench_lightning(quick ? 1024 : 4096, dtype);
    bench_lightning(1, dtype);
  }
  return 0;
}
