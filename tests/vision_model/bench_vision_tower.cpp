// Throughput of the CLIP vision tower (not a test).
//
// CPU (the default): tiles per second for the tiny test model and for a full ViT-L/14-336-shaped tower
// (24 layers, hidden 1024, 16 heads, MLP 4096, exact GELU: the released vision_config, spec §1.2) with
// random bf16 weights, on one image's worth of tiles (default 5: a 640×480 picture is a 2×2 grid plus
// the thumbnail).
//
// CUDA (--device cuda): the same ViT-L/14-336 with random bf16 weights generated on the GPU
// (ops::fill_uniform), bf16 activations (or --dtype f32):
//   - tiles/s at a batch of --tiles (default 128) and MFU = model FLOPs / time / peak dense bf16 FLOP/s,
//     model FLOPs = 2 · params · tokens (patch matrix on 576 tokens a tile, blocks on 577) + attention
//     4 · 577² · hidden per tile and block (QKᵀ and PV); analytic, never measured;
//   - the latency of one 2016×2016 image: its anyres plan under the released 28 pinpoints (4×4 grid +
//     thumbnail = 17 tiles, 9,888 tokens), host pixels in, packed embeddings on the GPU out (upload,
//     tower, projector 1024 → 6144 → 6144, packing), synchronised.
// Timings are the best of --repeat runs after one warm-up. The peak FLOP/s is looked up by GPU name
// (H100 SXM / H200: 989 TFLOP/s dense bf16; H100 PCIe 756) or given with --peak-tflops.
//
//   bench_vision_tower [--tiles N] [--repeat R] [--threads T] [--model DIR] [--skip-large]
//                      [--device cpu|cuda] [--dtype bf16|f32] [--peak-tflops F]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/checkpoint.h"
#include "io/model_config.h"
#include "ops/device_memory.h"
#include "ops/devices.h"
#include "ops/random_fill.h"
#include "ops/threads.h"
#include "vision/encoder/clip_vision_tower.h"
#include "vision/encoder/image_packing.h"
#include "vision/encoder/multimodal_projector.h"
#include "vision/preprocess/anyres_plan.h"

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

Tensor random_tensor(Shape shape, float scale, DType dtype, std::mt19937& rng) {
  Tensor t = Tensor::zeros(dtype, std::move(shape));
  std::normal_distribution<float> normal(0.0f, scale);
  for (int64_t i = 0; i < t.numel(); ++i) {
    const float v = normal(rng);
    if (dtype == DType::kBF16) {
      t.data<uint16_t>()[i] = f32_to_bf16(v);
    } else {
      t.data<float>()[i] = v;
    }
  }
  return t;
}

Tensor filled(Shape shape, float value) {
  Tensor t = Tensor::zeros(DType::kF32, std::move(shape));
  std::fill_n(t.data<float>(), t.numel(), value);
  return t;
}

// ViT-L/14-336 geometry (spec 1.2): the released vision_config.
io::VisionConfig vit_l_14_336() {
  io::VisionConfig c;
  c.image_size = 336;
  c.patch_size = 14;
  c.hidden_size = 1024;
  c.num_hidden_layers = 24;
  c.num_attention_heads = 16;
  c.intermediate_size = 4096;
  c.hidden_act = io::Activation::kGelu;
  c.layer_norm_eps = 1e-5;
  return c;
}

// ViT-L/14-336 with random weights at a scale that keeps activations finite.
vision::ClipVisionTower large_tower(std::mt19937& rng) {
  const io::VisionConfig c = vit_l_14_336();
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  vision::ClipWeights w;
  w.patch_weight = random_tensor({h, 3 * 14 * 14}, 0.02f, DType::kBF16, rng);
  w.class_embedding = random_tensor({h}, 0.5f, DType::kF32, rng);
  w.position_embedding = random_tensor({c.num_positions(), h}, 0.5f, DType::kF32, rng);
  w.pre_norm_weight = filled({h}, 1.0f);
  w.pre_norm_bias = filled({h}, 0.0f);
  for (int64_t layer = 0; layer < c.num_hidden_layers; ++layer) {
    vision::ClipLayerWeights l;
    l.norm1_weight = l.norm2_weight = filled({h}, 1.0f);
    l.norm1_bias = l.norm2_bias = filled({h}, 0.0f);
    for (Tensor* m : {&l.q_weight, &l.k_weight, &l.v_weight, &l.out_weight}) *m = random_tensor({h, h}, 0.02f, DType::kBF16, rng);
    for (Tensor* b : {&l.q_bias, &l.k_bias, &l.v_bias, &l.out_bias, &l.fc2_bias}) *b = filled({h}, 0.0f);
    l.fc1_weight = random_tensor({inter, h}, 0.02f, DType::kBF16, rng);
    l.fc1_bias = filled({inter}, 0.0f);
    l.fc2_weight = random_tensor({h, inter}, 0.02f, DType::kBF16, rng);
    w.layers.push_back(std::move(l));
  }
  return vision::ClipVisionTower(c, std::move(w), c.num_hidden_layers, io::FeatureSelect::kDefault);
}

void run(const char* label, const vision::ClipVisionTower& tower, const Options& o, std::mt19937& rng) {
  const int64_t side = tower.config().image_size;
  const Tensor pixels = random_tensor({o.tiles, 3, side, side}, 1.0f, DType::kF32, rng);
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

// ---- CUDA ----

using Clock = std::chrono::steady_clock;

// Best wall time of `repeat` runs of f() after one warm-up, each synchronised with the GPU.
template <typename F>
double best_cuda_seconds(int repeat, F&& f) {
  f();
  ops::synchronize(Device::kCuda);
  double best = 1e30;
  for (int r = 0; r < repeat; ++r) {
    const auto start = Clock::now();
    f();
    ops::synchronize(Device::kCuda);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

// A GPU tensor of uniform values with standard deviation `std` (in [−√3·std, √3·std)), made on the GPU.
Tensor gpu_random(Shape shape, DType dtype, float std, uint64_t seed) {
  Tensor t = ops::empty(dtype, std::move(shape), Device::kCuda);
  const float a = std * 1.7320508f;
  ops::fill_uniform(t, -a, a, seed);
  return t;
}

// A GPU f32 tensor filled with `value` (a uniform draw from [value, value)).
Tensor gpu_constant(Shape shape, float value) {
  Tensor t = ops::empty(DType::kF32, std::move(shape), Device::kCuda);
  ops::fill_uniform(t, value, value, 0);
  return t;
}

// The first element of a tensor of any device and float dtype, for a finiteness check.
float first_value(const Tensor& t) {
  const Tensor host = ops::to_device(t.reshaped({t.numel()}).slice_rows(0, 1), Device::kCpu);
  float v = 0;
  convert_to_f32(host.dtype(), host.raw(), &v, 1);
  return v;
}

// ViT-L/14-336 with random bf16 weights generated on the GPU, computing in `dtype`.
vision::ClipVisionTower gpu_large_tower(DType dtype) {
  const io::VisionConfig c = vit_l_14_336();
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  uint64_t seed = 1;
  vision::ClipWeights w;
  w.patch_weight = gpu_random({h, 3 * 14 * 14}, DType::kBF16, 0.02f, seed++);
  w.class_embedding = gpu_random({h}, DType::kF32, 0.5f, seed++);
  w.position_embedding = gpu_random({c.num_positions(), h}, DType::kF32, 0.5f, seed++);
  const Tensor ones = gpu_constant({h}, 1.0f), zeros = gpu_constant({h}, 0.0f), zeros_inter = gpu_constant({inter}, 0.0f);
  w.pre_norm_weight = ones;
  w.pre_norm_bias = zeros;
  for (int64_t layer = 0; layer < c.num_hidden_layers; ++layer) {
    vision::ClipLayerWeights l;
    l.norm1_weight = l.norm2_weight = ones;
    l.norm1_bias = l.norm2_bias = zeros;
    for (Tensor* m : {&l.q_weight, &l.k_weight, &l.v_weight, &l.out_weight}) {
      *m = gpu_random({h, h}, DType::kBF16, 0.02f, seed++);
    }
    for (Tensor* b : {&l.q_bias, &l.k_bias, &l.v_bias, &l.out_bias, &l.fc2_bias}) *b = zeros;
    l.fc1_weight = gpu_random({inter, h}, DType::kBF16, 0.02f, seed++);
    l.fc1_bias = zeros_inter;
    l.fc2_weight = gpu_random({h, inter}, DType::kBF16, 0.02f, seed++);
    w.layers.push_back(std::move(l));
  }
  return vision::ClipVisionTower(c, std::move(w), c.num_hidden_layers, io::FeatureSelect::kDefault)
      .to(Device::kCuda, dtype);
}

// Model FLOPs of `tiles` tiles through the patch matrix and `layers` blocks (weights only, biases and
// element-wise work left out): 2 · params · tokens + attention 4 · positions² · hidden per block.
double tower_flops(const io::VisionConfig& c, int64_t layers, int64_t tiles) {
  const double h = double(c.hidden_size), inter = double(c.intermediate_size), p = double(c.patch_size);
  const double patches = double(c.patches_per_side() * c.patches_per_side()), positions = patches + 1;
  const double patch_params = h * double(c.num_channels) * p * p, block_params = 4 * h * h + 2 * h * inter;
  return double(tiles) *
         (2 * patch_params * patches + double(layers) * (2 * block_params * positions + 4 * positions * positions * h));
}

// Dense bf16 tensor-core peak of the GPU, from --peak-tflops or its name; 0 when unknown.
double peak_flops(const Options& o, const std::string& gpu) {
  if (o.peak_tflops > 0) return o.peak_tflops * 1e12;
  if (gpu.find("H200") != std::string::npos) return 989e12;
  if (gpu.find("H100") != std::string::npos) return gpu.find("PCIe") != std::string::npos ? 756e12 : 989e12;
  return 0;
}

// The released processor's geometry: 336-px tiles, patch 14, the 28 pinpoints (spec §1.2): every
// 336·a × 336·b with a, b in 1..6 and a·b ≤ 18, in config.json's order.
vision::PreprocessConfig released_preprocess() {
  vision::PreprocessConfig pc;
  pc.tile_size = 336;
  pc.patch_size = 14;
  for (int a = 1; a <= 6; ++a) {
    for (int b = 1; b <= 6; ++b) {
      if (a * b <= 18) pc.pinpoints.push_back({336 * a, 336 * b});
    }
  }
  return pc;
}

int run_cuda(const Options& o, std::mt19937& rng) {
  const std::vector<ops::GpuDevice> gpus = ops::gpu_devices();
  require(ops::cuda_built() && !gpus.empty(), ErrorCode::kUnsupported,
          ops::cuda_built() ? "--device cuda: no CUDA device on this machine"
                            : "--device cuda: this build has no CUDA backend (configure with -DLIGHTVL_CUDA=ON)");
  const std::string gpu = gpus.front().name;
  const double peak = peak_flops(o, gpu);
  const std::string dtype = dtype_name(o.dtype);
  const vision::ClipVisionTower tower = gpu_large_tower(o.dtype);
  const io::VisionConfig& c = tower.config();
  const int64_t side = c.image_size, hidden = c.hidden_size;

  // Throughput: a batch of tiles whose pixels are already on the GPU (the tower alone).
  const Tensor batch = ops::to_device(random_tensor({o.tiles, 3, side, side}, 1.0f, DType::kF32, rng), Device::kCuda);
  Tensor out;
  const double seconds = best_cuda_seconds(o.repeat, [&] { out = tower.forward(batch); });
  require(std::isfinite(first_value(out)), ErrorCode::kInternal, "non-finite tower output");
  const double mfu = peak > 0 ? tower_flops(c, tower.hidden_state(), o.tiles) / seconds / peak : 0;
  std::printf("%-28s %3lld tiles of %lld px, %2lld layers, hidden %4lld: %8.4f s  %9.2f tiles/s  MFU %5.1f%%  (%s, "
              "peak %.0f TFLOP/s)\n",
              ("ViT-L/14-336 cuda " + dtype).c_str(), static_cast<long long>(o.tiles), static_cast<long long>(side),
              static_cast<long long>(tower.hidden_state()), static_cast<long long>(hidden), seconds,
              double(o.tiles) / seconds, 100 * mfu, gpu.c_str(), peak / 1e12);

  // Latency of one 2016×2016 image: host pixels in, packed embeddings on the GPU out.
  const vision::AnyresPlan plan = vision::plan_anyres(2016, 2016, released_preprocess(), "2016x2016");
  const int64_t tiles = plan.num_tiles(), text_hidden = 6144, tokens = tower.tokens_per_tile();
  vision::ProjectorWeights projector;
  projector.linear1_weight = gpu_random({text_hidden, hidden}, DType::kBF16, 0.02f, 1001);
  projector.linear1_bias = gpu_constant({text_hidden}, 0.0f);
  projector.linear2_weight = gpu_random({text_hidden, text_hidden}, DType::kBF16, 0.02f, 1002);
  projector.linear2_bias = gpu_constant({text_hidden}, 0.0f);
  projector = vision::place_projector_weights(projector, Device::kCuda, o.dtype);
  const Tensor newline = gpu_random({text_hidden}, o.dtype, 0.02f, 1003);
  const Tensor pixels = random_tensor({tiles, 3, side, side}, 1.0f, DType::kF32, rng);  // host memory
  Tensor packed;
  const double latency = best_cuda_seconds(o.repeat, [&] {
    const Tensor features = tower.forward(pixels);
    const Tensor projected =
        vision::project_features(projector, io::Activation::kGelu, features.reshaped({tiles * tokens, hidden}));
    packed = vision::pack_image_features(projected.reshaped({tiles, tokens, text_hidden}), plan, newline);
  });
  require(packed.dim(0) == plan.num_tokens && std::isfinite(first_value(packed)), ErrorCode::kInternal,
          "unexpected packed image embeddings");
  std::printf("%-28s %3lld tiles (%dx%d grid + thumbnail), %lld tokens: %8.2f ms latency  (host pixels in, packed "
              "embeddings on the GPU out, projector 1024->6144->6144)\n",
              ("2016x2016 image cuda " + dtype).c_str(), static_cast<long long>(tiles), plan.tiles_x, plan.tiles_y,
              static_cast<long long>(plan.num_tokens), 1e3 * latency);
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
    return run_cuda(o, rng);
  }

  const io::ModelConfig config = io::load_model_config(o.model);
  require(config.is_vl(), ErrorCode::kInvalidArgument, o.model + " is not a VL model");
  const io::Checkpoint checkpoint(o.model);
  run("tiny (assets)", vision::ClipVisionTower(checkpoint, *config.vl), o, rng);
  if (!o.skip_large) run("ViT-L/14-336 (random bf16)", large_tower(rng), o, rng);
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
