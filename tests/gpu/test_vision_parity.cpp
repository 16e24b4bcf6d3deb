// The vision half on CUDA (vision tower, projector, packing) against the same transformers goldens the
// CPU tests use (tests/vision_model, tests/reference/make_vl_goldens.py), and a random-weight tower at
// the real tile geometry (336 px, patch 14: 577 positions) against the CPU tower.
//
// Tolerances, on max |ours − reference| / max |reference|:
//  - f32 activations: the CPU tests' 1e-4 (both compute in f32 and differ only in summation order).
//  - bf16 activations (the released model's precision on CUDA): derived, not fitted. bf16 keeps 8
//    significant bits, unit roundoff u = 2^-8. Along one token's path each encoder block rounds about
//    12 times (layer_norm1, q/k/v, attention, out_proj and its bias, residual, layer_norm2, fc1 and its
//    bias, GELU, fc2, residual), the embedding stage once (it runs in f32, rounded after pre_layrnorm)
//    and the projector 4 times. Independent roundings grow like sqrt(n)·u relative to the activation
//    scale, and the largest error over thousands of elements sits about 3 sigma out, so the bound is
//    3·sqrt(n)·u with n = 12·blocks + 1 (+ 4 with the projector): 0.9% for the embeddings alone, 5.9% for
//    the tiny model's 2 blocks with the projector. The measured figure is printed next to it.
// Skips without a GPU.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "../vision_model/vl_golden.h"
#include "core/error.h"
#include "gpu_test_util.h"
#include "ops/device_memory.h"
#include "vision/encoder/clip_vision_tower.h"
#include "vision/encoder/image_packing.h"
#include "vision/encoder/multimodal_projector.h"
#include "vision/preprocess/anyres_plan.h"

namespace lightvl {
namespace {
using lightvl::testing::detail_image;
using lightvl::testing::every_feature_choice;
using lightvl::testing::FeatureChoice;
using lightvl::testing::read_golden;
using lightvl::testing::reference_hidden_state;
using lightvl::testing::tiny_vl;
using lightvl::testing::vl_golden;

constexpr double kUnitRoundoffBf16 = 1.0 / 256.0;

// The bound for a path of `blocks` encoder blocks (+ the projector when `projector`), see the file comment.
double tolerance(DType dtype, int64_t blocks, bool projector) {
  if (dtype == DType::kF32) return lightvl::testing::kRelativeTolerance;
  const double roundings = 12.0 * double(blocks) + 1.0 + (projector ? 4.0 : 0.0);
  return 3.0 * std::sqrt(roundings) * kUnitRoundoffBf16;
}

// max |ours − ref| / max |ref| with `ours` on any device and dtype; prints the figure and the bound.
double relative_to_max(const Tensor& ours, const Tensor& ref, const std::string& label, double tol) {
  const Tensor host = test::to_host_f32(ours);
  EXPECT_EQ(host.numel(), ref.numel()) << label;
  double max_err = 0, max_ref = 0;
  for (int64_t i = 0; i < std::min(host.numel(), ref.numel()); ++i) {
    const double g = host.data<float>()[i], w = ref.data<float>()[i];
    max_err = std::max(max_err, std::isfinite(g) ? std::abs(g - w) : INFINITY);
    max_ref = std::max(max_ref, std::abs(w));
  }
  const double rel = max_ref > 0 ? max_err / max_ref : max_err;
  std::printf("[ figure ] cuda %s: max abs err %.3g, max |ref| %.3g, relative %.3g (tolerance %.2g)\n",
              label.c_str(), max_err, max_ref, rel, tol);
  return host.numel() == ref.numel() ? rel : INFINITY;
}

std::string suffix(DType dtype) { return std::string(" ") + test::name_of(dtype); }

class CudaVision : public test::CudaTestWithParam<DType> {};

TEST_P(CudaVision, EveryFeatureLayerAndStrategyMatchesReferenceHiddenStates) {
  const DType dtype = GetParam();
  const auto& image = detail_image();
  const Tensor pixels = read_golden(image.pixels);
  const Tensor states = read_golden(image.clip_states);  // [L+1, tiles, positions, hidden]
  ASSERT_EQ(states.dim(0), tiny_vl().config.vl->vision.num_hidden_layers + 1);
  for (const FeatureChoice& c : every_feature_choice()) {
    const vision::ClipVisionTower tower = vision::ClipVisionTower(tiny_vl().checkpoint, c.vl).to(Device::kCuda, dtype);
    const Tensor ours = tower.forward(pixels);
    EXPECT_EQ(ours.device(), Device::kCuda);
    EXPECT_EQ(ours.dtype(), dtype);
    const Tensor ref = reference_hidden_state(states, c.hidden_state, c.keep_cls);
    EXPECT_EQ(ours.shape(), ref.shape());
    const double tol = tolerance(dtype, c.hidden_state, false);
    EXPECT_LT(relative_to_max(ours, ref, c.label + suffix(dtype), tol), tol);
  }
}

TEST_P(CudaVision, TileFeaturesMatchReference) {
  const DType dtype = GetParam();
  const auto& image = detail_image();
  const vision::ImageEncoder encoder(tiny_vl().checkpoint, tiny_vl().config, Device::kCuda, dtype);
  const Tensor ours = encoder.tile_features(read_golden(image.pixels));
  const Tensor ref = read_golden(image.tile_features);
  EXPECT_EQ(ours.shape(), ref.shape());
  const double tol = tolerance(dtype, encoder.tower().hidden_state(), true);
  EXPECT_LT(relative_to_max(ours, ref, image.stem + " projector output per tile" + suffix(dtype), tol), tol);
}

TEST_P(CudaVision, PackedEmbeddingsMatchReference) {
  const DType dtype = GetParam();
  const vision::ImageEncoder encoder(tiny_vl().checkpoint, tiny_vl().config, Device::kCuda, dtype);
  const double tol = tolerance(dtype, encoder.tower().hidden_state(), true);
  for (const auto& [stem, image] : vl_golden().images) {
    const vision::AnyresPlan plan = vision::plan_anyres(image.width, image.height, tiny_vl().preprocess);
    const Tensor ours = encoder.encode(read_golden(image.pixels), plan);
    EXPECT_EQ(ours.device(), Device::kCuda);
    EXPECT_EQ(ours.dim(0), image.num_tokens) << stem;
    EXPECT_LT(relative_to_max(ours, read_golden(image.embeddings), stem + " packed" + suffix(dtype), tol), tol);
  }
}

// A ViT with random weights at the real tile geometry (336 px, patch 14: 577 positions, head_dim 64 so
// that bf16 attention takes the tensor-core kernel), quick GELU, several tiles; CUDA against the CPU.
struct RandomTower {
  io::VisionConfig config;
  vision::ClipWeights weights;
  vision::ProjectorWeights projector;
};

RandomTower random_tower(int64_t blocks) {
  RandomTower r;
  io::VisionConfig& c = r.config;
  c.image_size = 336;
  c.patch_size = 14;
  c.hidden_size = 128;
  c.num_hidden_layers = blocks;
  c.num_attention_heads = 2;
  c.intermediate_size = 256;
  c.hidden_act = io::Activation::kQuickGelu;
  c.layer_norm_eps = 1e-5;
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  uint32_t seed = 100;
  // Matrices bf16-representable, so that bf16 placement does not round them (the bound covers activations).
  auto matrix = [&](Shape shape, float scale) { return test::random_values(std::move(shape), seed++, scale, DType::kBF16); };
  auto vec = [&](int64_t n, float scale, float offset) {
    Tensor t = test::random_values({n}, seed++, scale, DType::kF32);
    for (int64_t i = 0; i < n; ++i) t.data<float>()[i] += offset;
    return t;
  };
  vision::ClipWeights& w = r.weights;
  w.patch_weight = matrix({h, 3 * 14 * 14}, 0.05f);
  w.class_embedding = vec(h, 0.5f, 0.0f);
  w.position_embedding = test::random_values({c.num_positions(), h}, seed++, 0.5f, DType::kF32);
  w.pre_norm_weight = vec(h, 0.1f, 1.0f);
  w.pre_norm_bias = vec(h, 0.1f, 0.0f);
  const float s = 1.0f / std::sqrt(float(h));
  for (int64_t layer = 0; layer < blocks; ++layer) {
    vision::ClipLayerWeights l;
    l.norm1_weight = vec(h, 0.1f, 1.0f);
    l.norm1_bias = vec(h, 0.1f, 0.0f);
    l.norm2_weight = vec(h, 0.1f, 1.0f);
    l.norm2_bias = vec(h, 0.1f, 0.0f);
    l.q_weight = matrix({h, h}, s);
    l.k_weight = matrix({h, h}, s);
    l.v_weight = matrix({h, h}, s);
    l.out_weight = matrix({h, h}, s);
    l.fc1_weight = matrix({inter, h}, s);
    l.fc2_weight = matrix({h, inter}, 1.0f / std::sqrt(float(inter)));
    for (Tensor* b : {&l.q_bias, &l.k_bias, &l.v_bias, &l.out_bias, &l.fc2_bias}) *b = vec(h, 0.1f, 0.0f);
    l.fc1_bias = vec(inter, 0.1f, 0.0f);
    w.layers.push_back(std::move(l));
  }
  const int64_t text_hidden = 96;
  r.projector.linear1_weight = matrix({text_hidden, h}, s);
  r.projector.linear1_bias = vec(text_hidden, 0.1f, 0.0f);
  r.projector.linear2_weight = matrix({text_hidden, text_hidden}, 1.0f / std::sqrt(float(text_hidden)));
  r.projector.linear2_bias = vec(text_hidden, 0.1f, 0.0f);
  return r;
}

TEST_P(CudaVision, RandomTowerAt336MatchesCpu) {
  const DType dtype = GetParam();
  const int64_t blocks = 3, tiles = 4;
  const RandomTower r = random_tower(blocks);
  const vision::ClipVisionTower cpu(r.config, r.weights, blocks, io::FeatureSelect::kDefault);
  const vision::ClipVisionTower cuda = cpu.to(Device::kCuda, dtype);
  const Tensor pixels = test::random_values({tiles, 3, 336, 336}, 7, 1.0f, DType::kF32);

  const Tensor want = cpu.forward(pixels);
  const Tensor got = cuda.forward(pixels);
  EXPECT_EQ(got.shape(), want.shape());
  const double tol = tolerance(dtype, blocks, false);
  EXPECT_LT(relative_to_max(got, want, "random tower 336/14, 3 blocks, 4 tiles" + suffix(dtype), tol), tol);

  // The projector on each device, from each device's own tower output.
  const Tensor want_rows = want.reshaped({want.dim(0) * want.dim(1), want.dim(2)});
  const Tensor projected_want = vision::project_features(r.projector, io::Activation::kGelu, want_rows);
  const vision::ProjectorWeights on_gpu = vision::place_projector_weights(r.projector, Device::kCuda, dtype);
  const Tensor projected_got = vision::project_features(on_gpu, io::Activation::kGelu,
                                                        got.reshaped({got.dim(0) * got.dim(1), got.dim(2)}));
  const double tol_projected = tolerance(dtype, blocks, true);
  EXPECT_LT(relative_to_max(projected_got, projected_want, "random tower + projector" + suffix(dtype), tol_projected),
            tol_projected);
}

TEST_P(CudaVision, DevicePackingEqualsHostPacking) {
  // Packing is a row gather: on CUDA it must reproduce the host's packing of the same features exactly.
  const DType dtype = GetParam();
  for (const auto& [stem, image] : vl_golden().images) {
    const vision::AnyresPlan plan = vision::plan_anyres(image.width, image.height, tiny_vl().preprocess);
    const int64_t n = plan.tile_size / plan.patch_size, width = 24;
    const Tensor features = test::random_values({plan.num_tiles(), n * n, width}, 5, 1.0f, dtype);
    const Tensor newline = test::random_values({width}, 6, 1.0f, dtype);
    const Tensor want = vision::pack_image_features(features, plan, newline);
    const Tensor got = vision::pack_image_features(test::to_gpu(features, dtype), plan, test::to_gpu(newline, dtype));
    EXPECT_EQ(relative_to_max(got, want, stem + " device packing" + suffix(dtype), 0.0), 0.0);
  }
}

class CudaVisionPlacement : public test::CudaTest {};

TEST_F(CudaVisionPlacement, RefusesAnActivationDtypeTheDeviceLacks) {
  EXPECT_THROW(vision::ImageEncoder(tiny_vl().checkpoint, tiny_vl().config, Device::kCpu, DType::kBF16), Error);
  EXPECT_THROW(vision::ImageEncoder(tiny_vl().checkpoint, tiny_vl().config, Device::kCuda, DType::kF16), Error);
}

INSTANTIATE_TEST_SUITE_P(Types, CudaVision, ::testing::Values(DType::kF32, DType::kBF16),
                         [](const auto& info) { return test::name_of(info.param); });

}  // namespace
}  // namespace lightvl
