// The vision tower's measurement (vision_benchmark.h): the synthetic ViT-L/14-336, its FLOP count and the
// two timings. Shapes follow the released model; only the weights are random.
#include "api/vision_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>
#include <vector>

#include "core/error.h"
#include "ops/device_memory.h"
#include "ops/devices.h"
#include "ops/random_fill.h"
#include "vision/encoder/image_packing.h"
#include "vision/encoder/multimodal_projector.h"
#include "vision/preprocess/anyres_plan.h"

namespace lightvl::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kImageSide = 2016;          // the latency figure's image: a 4×4 grid under the pinpoints
constexpr int64_t kTextHidden = 6144;     // the projector's output: MiniMax-Text-01's hidden size

// Best wall time of `repeat` runs of f() after one warm-up, each synchronised with the GPU.
template <typename F>
double best_cuda_seconds(int repeat, F&& f) {
  f();
  ops::synchronize(Device::kCuda);
  double best = 1e30;
  for (int r = 0; r < repeat; ++r) {
    const Clock::time_point start = Clock::now();
    f();
    ops::synchronize(Device::kCuda);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

// A tensor on `device` of uniform values with standard deviation `std` (in [−√3·std, √3·std)).
Tensor random_on(Device device, Shape shape, DType dtype, float std, uint64_t seed) {
  Tensor t = ops::empty(dtype, std::move(shape), device);
  const float a = std * 1.7320508f;
  ops::fill_uniform(t, -a, a, seed);
  return t;
}

// An f32 tensor on `device` filled with `value` (a uniform draw from [value, value)).
Tensor constant_on(Device device, Shape shape, float value) {
  Tensor t = ops::empty(DType::kF32, std::move(shape), device);
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

// Model FLOPs of `tiles` tiles through the patch matrix and `layers` blocks (weights only, biases and
// element-wise work left out): 2 · params · tokens + attention 4 · positions² · hidden per block.
double tower_flops(const io::VisionConfig& c, int64_t layers, int64_t tiles) {
  const double h = double(c.hidden_size), inter = double(c.intermediate_size), p = double(c.patch_size);
  const double patches = double(c.patches_per_side() * c.patches_per_side()), positions = patches + 1;
  const double patch_params = h * double(c.num_channels) * p * p, block_params = 4 * h * h + 2 * h * inter;
  return double(tiles) *
         (2 * patch_params * patches + double(layers) * (2 * block_params * positions + 4 * positions * positions * h));
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

}  // namespace

GpuPeaks gpu_peaks(const std::string& name) {
  if (name.find("H200") != std::string::npos) return {4.8e12, 989e12};
  if (name.find("H100") != std::string::npos) {
    return name.find("PCIe") != std::string::npos ? GpuPeaks{2.0e12, 756e12} : GpuPeaks{3.35e12, 989e12};
  }
  if (name.find("A100") != std::string::npos) return {2.0e12, 312e12};
  return {};
}

io::VisionConfig vit_l_14_336_config() {
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

vision::ClipVisionTower synthetic_vit_l_14_336(Device device, DType activation, uint64_t seed) {
  const io::VisionConfig c = vit_l_14_336_config();
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  vision::ClipWeights w;
  w.patch_weight = random_on(device, {h, c.num_channels * c.patch_size * c.patch_size}, DType::kBF16, 0.02f, seed++);
  w.class_embedding = random_on(device, {h}, DType::kF32, 0.5f, seed++);
  w.position_embedding = random_on(device, {c.num_positions(), h}, DType::kF32, 0.5f, seed++);
  // The norms and biases share three tensors (views of the same memory): they are never written.
  const Tensor ones = constant_on(device, {h}, 1.0f), zeros = constant_on(device, {h}, 0.0f);
  const Tensor zeros_inter = constant_on(device, {inter}, 0.0f);
  w.pre_norm_weight = ones;
  w.pre_norm_bias = zeros;
  for (int64_t layer = 0; layer < c.num_hidden_layers; ++layer) {
    vision::ClipLayerWeights l;
    l.norm1_weight = l.norm2_weight = ones;
    l.norm1_bias = l.norm2_bias = zeros;
    for (Tensor* m : {&l.q_weight, &l.k_weight, &l.v_weight, &l.out_weight}) {
      *m = random_on(device, {h, h}, DType::kBF16, 0.02f, seed++);
    }
    for (Tensor* b : {&l.q_bias, &l.k_bias, &l.v_bias, &l.out_bias, &l.fc2_bias}) *b = zeros;
    l.fc1_weight = random_on(device, {inter, h}, DType::kBF16, 0.02f, seed++);
    l.fc1_bias = zeros_inter;
    l.fc2_weight = random_on(device, {h, inter}, DType::kBF16, 0.02f, seed++);
    w.layers.push_back(std::move(l));
  }
  vision::ClipVisionTower tower(c, std::move(w), c.num_hidden_layers, io::FeatureSelect::kDefault);
  // The CPU tower computes in f32 over the bf16 weights as they are; CUDA converts them once.
  if (device == Device::kCpu && activation == DType::kF32) return tower;
  return tower.to(device, activation);
}

VisionFigures measure_vision_tower_cuda(const VisionBenchOptions& o) {
  require(ops::cuda_built(), ErrorCode::kUnsupported,
          "the vision tower benchmark needs the CUDA backend (configure with -DLIGHTVL_CUDA=ON)");
  require(!ops::gpu_devices().empty(), ErrorCode::kUnsupported,
          "the vision tower benchmark needs a GPU (" + ops::cuda_versions() + ")");
  require(o.tiles > 0 && o.repeat > 0, ErrorCode::kInvalidArgument,
          "the vision tower benchmark needs positive tiles and repeat counts");
  const vision::ClipVisionTower tower = synthetic_vit_l_14_336(Device::kCuda, o.activation);
  const io::VisionConfig& c = tower.config();
  const int64_t side = c.image_size, hidden = c.hidden_size;
  VisionFigures f;
  f.tower = "ViT-L/14-336 (random bf16 weights)";
  f.activations = dtype_name(o.activation);
  f.tiles = o.tiles;
  f.tile_size = side;

  {  // Throughput: a batch of tiles whose pixels are already on the GPU (the tower alone).
    const Tensor batch = random_on(Device::kCuda, {o.tiles, 3, side, side}, DType::kF32, 1.0f, 101);
    Tensor out;
    const double seconds = best_cuda_seconds(o.repeat, [&] { out = tower.forward(batch); });
    require(std::isfinite(first_value(out)), ErrorCode::kInternal, "non-finite vision tower output");
    f.tiles_per_second = double(o.tiles) / seconds;
    f.mfu = o.peak_flops > 0 ? tower_flops(c, tower.hidden_state(), o.tiles) / seconds / o.peak_flops : 0;
  }

  // Latency of one 2016×2016 image: host pixels in, packed embeddings on the GPU out.
  const vision::AnyresPlan plan = vision::plan_anyres(kImageSide, kImageSide, released_preprocess(), "2016x2016");
  const int64_t tiles = plan.num_tiles(), tokens = tower.tokens_per_tile();
  vision::ProjectorWeights projector;
  projector.linear1_weight = random_on(Device::kCuda, {kTextHidden, hidden}, DType::kBF16, 0.02f, 1001);
  projector.linear1_bias = constant_on(Device::kCuda, {kTextHidden}, 0.0f);
  projector.linear2_weight = random_on(Device::kCuda, {kTextHidden, kTextHidden}, DType::kBF16, 0.02f, 1002);
  projector.linear2_bias = constant_on(Device::kCuda, {kTextHidden}, 0.0f);
  projector = vision::place_projector_weights(projector, Device::kCuda, o.activation);
  const Tensor newline = random_on(Device::kCuda, {kTextHidden}, o.activation, 0.02f, 1003);
  const Tensor pixels =  // in host memory, as the image pipeline hands them over
      ops::to_device(random_on(Device::kCuda, {tiles, 3, side, side}, DType::kF32, 1.0f, 1004), Device::kCpu);
  Tensor packed;
  const double latency = best_cuda_seconds(o.repeat, [&] {
    const Tensor features = tower.forward(pixels);
    const Tensor projected =
        vision::project_features(projector, io::Activation::kGelu, features.reshaped({tiles * tokens, hidden}));
    packed = vision::pack_image_features(projected.reshaped({tiles, tokens, kTextHidden}), plan, newline);
  });
  require(packed.dim(0) == plan.num_tokens && std::isfinite(first_value(packed)), ErrorCode::kInternal,
          "unexpected packed image embeddings");
  f.image_width = f.image_height = kImageSide;
  f.image_tiles = tiles;
  f.image_tokens = plan.num_tokens;
  f.image_seconds = latency;
  return f;
}

}  // namespace lightvl::bench
