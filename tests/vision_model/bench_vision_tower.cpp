// Throughput of the CLIP vision tower (not a test).
//
// CPU (the default): tiles per second for the tiny test model and for a full ViT-L/14-336-shaped tower
// (24 layers, hidden 1024, 16 heads, MLP 4096, exact GELU: the released vision_config, spec §1.2) with
// random bf16 weights (bench::synthetic_vit_l_14_336), on one image's worth of tiles (default 5: a 640×480
// picture is a 2×2 grid plus the thumbnail).
//
// CUDA (--device cuda): the SDK's measurement, the one `lightvl bench` reports (sdk/api/vision_benchmark.h
// describes it): the same ViT-L/14-336 with weights generated on the GPU, bf16 activations (or --dtype
// f32); tiles/s at a batch of --tiles (default 128) with MFU, and the latency of one 2016×2016 image
// (17 tiles, host pixels in, packed embeddings on the GPU out). Timings are the best of --repeat runs
// after one warm-up. The peak FLOP/s is looked up by GPU name (bench::gpu_peaks) or given with
// --peak-tflops.
//
//   bench_vision_tower [--tiles N] [--repeat R] [--threads T] [--model DIR] [--skip-large]
//                      [--device cpu|cuda] [--dtype bf16|f32] [--peak-tflops F]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "api/vision_benchmark.h"
#include "core/error.h"
#include "io/checkpoint.h"
#include "io/model_config.h"
#include "ops/devices.h"
#include "ops/threads.h"
#include "vision/encoder/clip_vision_tower.h"

namespace lightvl {
namespace {

struct Options {
  int64_t tiles = 5;
  int repeat = 2;
  int threads = 0;
  std::string model = std::string(LIGHTVL_SOURCE_DIR) + "/assets/tiny-minimax-vl-01";
  bool skip_large = false;
  bool tiles_given = false;
  Device device = Device::kCpu;
  DType dtype = DType::kBF16;  // CUDA activations
  double peak_tflops = 0;      // 0: look up by GPU name
};

// Pixels of normal noise (std 1), f32 in host memory.
Tensor random_pixels(Shape shape, std::mt19937& rng) {
  Tensor t = Tensor::zeros(DType::kF32, std::move(shape));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = normal(rng);
  return t;
}

void run(const char* label, const vision::ClipVisionTower& tower, const Options& o, std::mt19937& rng) {
  const int64_t side = tower.config().image_size;
  const Tensor pixels = random_pixels({o.tiles, 3, side, side}, rng);
  tower.forward(pixels);  // warm-up (page-in of weights, BLAS buffers)
  double best = 1e30;
  for (int r = 0; r < o.repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const Tensor out = tower.forward(pixels);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    require(std::isfinite(out.data<float>()[0]), ErrorCode::kInternal, "non-finite tower output");
  }
  std::printf("%-28s %3lld tiles of %lld px, %2lld layers, hidden %4lld: %8.3f s  %9.2f tiles/s  (%d threads)\n",
              label, static_cast<long long>(o.tiles), static_cast<long long>(side),
              static_cast<long long>(tower.hidden_state()), static_cast<long long>(tower.config().hidden_size), best,
              double(o.tiles) / best, ops::cpu_threads());
}

// ---- CUDA: the SDK's measurement (sdk/api/vision_benchmark.h), the one `lightvl bench` reports ----

int run_cuda(const Options& o) {
  const std::vector<ops::GpuDevice> gpus = ops::gpu_devices();
  const std::string gpu = gpus.empty() ? std::string() : gpus.front().name;
  bench::VisionBenchOptions v;
  v.tiles = o.tiles;
  v.repeat = o.repeat;
  v.activation = o.dtype;
  v.peak_flops = o.peak_tflops > 0 ? o.peak_tflops * 1e12 : bench::gpu_peaks(gpu).flops;
  const VisionFigures f = bench::measure_vision_tower_cuda(v);
  const io::VisionConfig c = bench::vit_l_14_336_config();
  std::printf("%-28s %3lld tiles of %lld px, %2lld layers, hidden %4lld: %8.4f s  %9.2f tiles/s  MFU %5.1f%%  (%s, "
              "peak %.0f TFLOP/s)\n",
              ("ViT-L/14-336 cuda " + f.activations).c_str(), static_cast<long long>(f.tiles),
              static_cast<long long>(f.tile_size), static_cast<long long>(c.num_hidden_layers),
              static_cast<long long>(c.hidden_size), double(f.tiles) / f.tiles_per_second, f.tiles_per_second,
              100 * f.mfu, gpu.c_str(), v.peak_flops / 1e12);
  std::printf("%-28s %3lld tiles (grid + thumbnail), %lld tokens: %8.2f ms latency  (host pixels in, packed "
              "embeddings on the GPU out, projector 1024->6144->6144)\n",
              (std::to_string(f.image_width) + "x" + std::to_string(f.image_height) + " image cuda " + f.activations)
                  .c_str(),
              static_cast<long long>(f.image_tiles), static_cast<long long>(f.image_tokens), 1e3 * f.image_seconds);
  return 0;
}

int main_impl(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      require(i + 1 < argc, ErrorCode::kInvalidArgument, a + " needs a value");
      return argv[++i];
    };
    if (a == "--tiles") {
      o.tiles = std::stoll(next());
      o.tiles_given = true;
    }
    else if (a == "--repeat") o.repeat = std::stoi(next());
    else if (a == "--threads") o.threads = std::stoi(next());
    else if (a == "--model") o.model = next();
    else if (a == "--skip-large") o.skip_large = true;
    else if (a == "--device") {
      const std::string d = next();
      require(d == "cpu" || d == "cuda", ErrorCode::kInvalidArgument, "--device takes cpu or cuda, got " + d);
      o.device = d == "cuda" ? Device::kCuda : Device::kCpu;
    } else if (a == "--dtype") {
      const std::string d = next();
      require(d == "bf16" || d == "f32", ErrorCode::kInvalidArgument, "--dtype takes bf16 or f32, got " + d);
      o.dtype = d == "f32" ? DType::kF32 : DType::kBF16;
    } else if (a == "--peak-tflops") o.peak_tflops = std::stod(next());
    else fail(ErrorCode::kInvalidArgument, "unknown argument " + a);
  }
  require(o.tiles > 0 && o.repeat > 0, ErrorCode::kInvalidArgument, "--tiles and --repeat must be positive");
  ops::set_cpu_threads(o.threads);
  std::mt19937 rng(1234);
  if (o.device == Device::kCuda) {
    if (!o.tiles_given) o.tiles = 128;
    return run_cuda(o);
  }

  const io::ModelConfig config = io::load_model_config(o.model);
  require(config.is_vl(), ErrorCode::kInvalidArgument, o.model + " is not a VL model");
  const io::Checkpoint checkpoint(o.model);
  run("tiny (assets)", vision::ClipVisionTower(checkpoint, *config.vl), o, rng);
  if (!o.skip_large) {
    run("ViT-L/14-336 (random bf16)", bench::synthetic_vit_l_14_336(Device::kCpu, DType::kF32), o, rng);
  }
  return 0;
}

}  // namespace
}  // namespace lightvl

int main(int argc, char** argv) {
  try {
    return lightvl::main_impl(argc, argv);
  } catch (const lightvl::Error& e) {
    std::fprintf(stderr, "bench_vision_tower: %s\n", e.what());
    return 1;
  }
}
