// CPU throughput of the CLIP vision tower (not a test): tiles per second for the tiny test model and for a
// full ViT-L/14-336-shaped tower (24 layers, hidden 1024, 16 heads, MLP 4096, exact GELU) with random bf16
// weights, on one image's worth of tiles (default 5: a 640×480 picture is a 2×2 grid plus the thumbnail).
//
//   bench_vision_tower [--tiles N] [--repeat R] [--threads T] [--model DIR] [--skip-large]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "core/error.h"
#include "io/checkpoint.h"
#include "io/model_config.h"
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

// ViT-L/14-336 geometry (spec 1.2) with random weights at a scale that keeps activations finite.
vision::ClipVisionTower large_tower(std::mt19937& rng) {
  io::VisionConfig c;
  c.image_size = 336;
  c.patch_size = 14;
  c.hidden_size = 1024;
  c.num_hidden_layers = 24;
  c.num_attention_heads = 16;
  c.intermediate_size = 4096;
  c.layer_norm_eps = 1e-5;
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

int main_impl(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      require(i + 1 < argc, ErrorCode::kInvalidArgument, a + " needs a value");
      return argv[++i];
    };
    if (a == "--tiles") o.tiles = std::stoll(next());
    else if (a == "--repeat") o.repeat = std::stoi(next());
    else if (a == "--threads") o.threads = std::stoi(next());
    else if (a == "--model") o.model = next();
    else if (a == "--skip-large") o.skip_large = true;
    else fail(ErrorCode::kInvalidArgument, "unknown argument " + a);
  }
  require(o.tiles > 0 && o.repeat > 0, ErrorCode::kInvalidArgument, "--tiles and --repeat must be positive");
  ops::set_cpu_threads(o.threads);
  std::mt19937 rng(1234);

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
