// lightvl bench: time to first token and decode speed of a checkpoint or of a synthetic full-width
// MiniMax-Text-01 slice, against the hardware's limits, then (CUDA) the vision tower's tiles/s and one
// 2016x2016 image's latency. A benchmark, not a test: it prints figures.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "lightvl/benchmark.h"

namespace lightvl::cli {
namespace {

struct BenchCliOptions {
  BenchmarkOptions bench;
  std::string device = "cuda";
  std::string contexts = "4096,32768,131072";
  bool f32 = false;
  std::string weights = "checkpoint";
  bool no_vision = false;
};

int run_bench(BenchCliOptions& o) {
  o.bench.cuda = o.device == "cuda";
  o.bench.bf16 = !o.f32;
  o.bench.int8_weights = weight_format_of(o.weights) == WeightFormat::kInt8;
  o.bench.vision = !o.no_vision;
  o.bench.contexts.clear();
  for (int32_t c : parse_id_list(o.contexts)) o.bench.contexts.push_back(c);
  const BenchmarkReport r = run_benchmark(o.bench);
  std::printf("device     %s (%s)\n", r.device.c_str(), r.cuda.c_str());
  std::printf("model      %s\n", r.model.c_str());
  std::printf("weights    %s (%s), ready in %.1f s; activations %s\n", format_bytes(r.weight_bytes).c_str(),
              o.weights.c_str(), r.load_seconds, o.bench.cuda && o.bench.bf16 ? "bf16" : "f32");
  if (r.peak_bandwidth > 0) {
    std::printf("limits     %.2f TB/s memory bandwidth, %.0f TFLOP/s dense bf16\n", r.peak_bandwidth / 1e12,
                r.peak_flops / 1e12);
  }
  for (const PrefillFigure& f : r.prefill) {
    std::printf("prefill    %8lld tokens: time to first token %8.3f s, %9.0f tokens/s", (long long)f.tokens, f.seconds,
                f.tokens_per_second);
    if (f.mfu > 0) std::printf(", MFU %.1f%%", 100 * f.mfu);
    std::printf("\n");
  }
  if (r.decode_tokens_per_second > 0) {
    std::printf("decode     batch 1 after %lld tokens: %.1f tokens/s, %s per token", (long long)r.decode_context,
                r.decode_tokens_per_second, format_bytes(r.decode_bytes_per_token).c_str());
    if (r.bandwidth_utilisation > 0) std::printf(", %.1f%% of the bandwidth roofline", 100 * r.bandwidth_utilisation);
    if (r.decode_graph_replays > 0) {
      std::printf(" (%lld of %lld steps replayed from a CUDA graph)", (long long)r.decode_graph_replays,
                  (long long)r.decode_steps);
    }
    std::printf("\n");
  }
  if (r.batch_decode_tokens_per_second > 0) {
    std::printf("decode     batch %d after %lld tokens: %.1f tokens/s in all\n", r.batch, (long long)r.decode_context,
                r.batch_decode_tokens_per_second);
  }
  if (r.device_memory_in_use) {
    std::printf("memory     %s in use on the GPU after the text model; peak held by tensors %s\n",
                format_bytes(r.device_memory_in_use).c_str(), format_bytes(r.device_peak_tensor_bytes).c_str());
  }
  for (const SublayerTiming& t : r.breakdown) {
    std::printf("breakdown  %-22s %6lld tokens after %6lld: %9.3f ms\n", t.name.c_str(), (long long)t.tokens,
                (long long)t.context, t.milliseconds);
  }
  if (r.vision) {
    const VisionFigures& v = *r.vision;
    std::printf("vision     %s, %s activations, %lld tiles of %lld px: %.1f tiles/s", v.tower.c_str(),
                v.activations.c_str(), (long long)v.tiles, (long long)v.tile_size, v.tiles_per_second);
    if (v.mfu > 0) std::printf(", MFU %.1f%%", 100 * v.mfu);
    std::printf("\n");
    std::printf("vision     one %dx%d image (%lld tiles, %lld tokens): %.1f ms, host pixels to packed embeddings\n",
                v.image_width, v.image_height, (long long)v.image_tiles, (long long)v.image_tokens,
                1e3 * v.image_seconds);
  }
  for (const std::string& n : r.notes) std::printf("note       %s\n", n.c_str());
  return 0;
}

}  // namespace

Command add_bench(CLI::App& app) {
  auto o = std::make_shared<BenchCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "bench", "Benchmark prefill, decode and (CUDA) the vision tower against the hardware's limits");
  sub->add_option("--model", o->bench.model_dir, "Checkpoint directory (default: a synthetic full-width slice)");
  sub->add_option("--blocks", o->bench.slice_blocks, "Synthetic slice: blocks of 7 lightning + 1 softmax layer")
      ->check(CLI::Range(1, 10));
  sub->add_option("--device", o->device, "cuda or cpu")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
  sub->add_option("--contexts", o->contexts, "Prompt lengths for time to first token")->capture_default_str();
  sub->add_option("--decode", o->bench.decode_tokens, "Tokens decoded after the first context")->capture_default_str();
  sub->add_option("--chunk", o->bench.chunk_tokens, "Prefill chunk size")->capture_default_str();
  sub->add_option("--batch", o->bench.batch, "Sequences decoded together (0 = skip)")->capture_default_str();
  sub->add_flag("--f32", o->f32, "CUDA: f32 activations instead of bf16");
  add_weights_option(sub, o->weights);
  sub->add_flag("--breakdown", o->bench.breakdown, "Also time each sublayer kind alone (prefill chunk and decode)");
  sub->add_flag("--no-vision", o->no_vision, "CUDA: skip the vision tower (ViT-L/14-336 tiles/s, one image's latency)");
  return [o] { return run_bench(*o); };
}

}  // namespace lightvl::cli
