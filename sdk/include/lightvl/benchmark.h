// lightvl public C++ API: the `lightvl bench` benchmark (a benchmark, never a test): time to first token
// over several prompt lengths and decode speed, reported against the hardware's limits; on CUDA also the
// vision tower's tiles/s and the latency of one large image.
#pragma once

#include <cstdint>
#include <optional>
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
  bool vision = true;                 // CUDA: also time a ViT-L/14-336 vision tower (after the text figures)
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

// The vision tower's figures: a ViT-L/14-336 (the released vision_config) with random bf16 weights,
// whatever the text model is, so that the figures do not need a checkpoint.
struct VisionFigures {
  std::string tower;            // what ran, e.g. "ViT-L/14-336 (random bf16 weights)"
  std::string activations;      // "bf16" or "f32"
  int64_t tiles = 0;            // batch of the tiles/s figure (pixels already on the GPU: the tower alone)
  int64_t tile_size = 0;        // pixels a side of one tile
  double tiles_per_second = 0;
  double mfu = 0;               // model FLOPs / time / peak bf16 FLOP/s (0 when the peak is unknown)
  int32_t image_width = 0, image_height = 0;  // the image of the latency figure (2016 x 2016)
  int64_t image_tiles = 0;      // its anyres tiles: the grid plus the thumbnail
  int64_t image_tokens = 0;     // its packed image embeddings
  double image_seconds = 0;     // host pixels in, packed projected embeddings on the GPU out
};

struct BenchmarkReport {
  std::string device, cuda, model;     // what ran, on what
  uint64_t weight_bytes = 0;
  double load_seconds = 0;
  std::vector<PrefillFigure> prefill;
  int64_t decode_context = 0;          // prompt length before decoding
  double decode_tokens_per_second = 0;
  int64_t decode_steps = 0;            // forward passes of the batch-1 decode
  int64_t decode_graph_replays = 0;    // of them, replays of a recorded CUDA graph (0: graphs off or CPU)
  int32_t batch = 0;                   // sequences in the batched decode figure
  double batch_decode_tokens_per_second = 0;  // all sequences together
  uint64_t decode_bytes_per_token = 0; // weights + state + KV that one decode step must read
  double bandwidth_utilisation = 0;    // bytes per token · tokens/s / peak bandwidth (0 when unknown)
  double peak_bandwidth = 0, peak_flops = 0;  // the hardware limits used (bytes/s, bf16 FLOP/s)
  uint64_t device_memory_in_use = 0;   // bytes in use on the GPU after the text figures (caching allocator
                                       // included; the vision tower runs later and is not counted)
  uint64_t device_peak_tensor_bytes = 0;  // the most bytes lightvl's tensors held at once until then
  std::vector<SublayerTiming> breakdown;  // with BenchmarkOptions::breakdown
  std::optional<VisionFigures> vision;    // CUDA with BenchmarkOptions::vision; measured after the text
                                          // figures and left out of the two memory figures above
  std::vector<std::string> notes;      // what was not measured and why
};

// Runs the benchmark. Throws lightvl::Error (e.g. kOutOfMemory when the slice does not fit the device,
// kUnsupported without CUDA); a vision tower that does not fit the GPU is a note, not an error. Takes
// minutes for the default contexts on a GPU. Not thread-safe with other work on the same device.
BenchmarkReport run_benchmark(const BenchmarkOptions& options);

}  // namespace lightvl
