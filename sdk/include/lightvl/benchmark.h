// lightvl public C++ API: the `lightvl bench` benchmark (a benchmark, never a test): time to first token
// over several prompt lengths and decode speed, reported against the hardware's limits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lightvl {

struct BenchmarkOptions {
  std::string model_dir;              // a checkpoint directory; empty = a synthetic full-width slice
  int slice_blocks = 1;               // synthetic: blocks of 7 lightning + 1 softmax layer (8 layers each)
  bool cuda = true;                   // run the backbone on the GPU (else the CPU)
  bool bf16 = true;                   // CUDA activations and KV cache in bf16 (else f32)
  bool int8_weights = false;          // attention and expert projections as weight-only int8 (quantised
                                      // at load; the bandwidth figure then counts 1 byte per weight + scales)
  std::vector<int64_t> contexts = {4096, 32768, 131072};  // prompt lengths for time to first token
  int32_t decode_tokens = 64;         // tokens decoded after the first context, batch 1
  int32_t batch = 32;                 // sequences decoded together in the batched figure (0 = skip)
  int64_t chunk_tokens = 4096;        // prefill chunk
  uint64_t seed = 1;
  bool breakdown = false;             // also time each sublayer kind alone (where the time goes)
};

// Time of one sublayer kind for one forward of `tokens` new positions (after `context` earlier ones).
struct SublayerTiming {
  std::string name;   // "lightning attention", "softmax attention", "moe", "lm_head", "norms+residual"
  int64_t tokens = 0;
  int64_t context = 0;
  double milliseconds = 0;  // per layer of that kind (lm_head: once)
};

struct PrefillFigure {
  int64_t tokens = 0;
  double seconds = 0;          // time to first token (prefill + the first logits)
  double tokens_per_second = 0;
  double mfu = 0;              // model FLOPs / time / peak (0 when the peak is unknown)
};

struct BenchmarkReport {
  std::string device, cuda, model;     // what ran, on what
  uint64_t weight_bytes = 0;
  double load_seconds = 0;
  std::vector<PrefillFigure> prefill;
  int64_t decode_context = 0;          // prompt length before decoding
  double decode_tokens_per_second = 0;
  int32_t batch = 0;                   // sequences in the batched decode figure
  double batch_decode_tokens_per_second = 0;  // all sequences together
  uint64_t decode_bytes_per_token = 0; // weights + state + KV that one decode step must read
  double bandwidth_utilisation = 0;    // bytes per token · tokens/s / peak bandwidth (0 when unknown)
  double peak_bandwidth = 0, peak_flops = 0;  // the hardware limits used (bytes/s, bf16 FLOP/s)
  uint64_t device_memory_in_use = 0;   // bytes in use on the GPU at the end (caching allocator included)
  uint64_t device_peak_tensor_bytes = 0;  // the most bytes lightvl's tensors held at once during the run
  std::vector<SublayerTiming> breakdown;  // with BenchmarkOptions::breakdown
  std::vector<std::string> notes;      // what was not measured and why
};

// Runs the benchmark. Throws lightvl::Error (e.g. kOutOfMemory when the slice does not fit the device,
// kUnsupported without CUDA). Takes minutes for the default contexts on a GPU.
BenchmarkReport run_benchmark(const BenchmarkOptions& options);

}  // namespace lightvl
