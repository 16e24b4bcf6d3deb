#include "vision/encoder/clip_vision_tower.h"

#include <utility>

#include "core/error.h"
#include "ops/activation.h"
#include "ops/copy_columns.h"
#include "ops/device_memory.h"
#include "ops/linear.h"
#include "ops/norm.h"
#include "ops/unfold_patches.h"
#include "vision/encoder/clip_encoder_layer.h"

namespace lightvl::vision {
namespace {

// The position table with the class embedding added to row 0, on the weights' device, f32.
Tensor make_token_bias(const ClipWeights& w) {
  const Device device = w.position_embedding.device();
  Tensor bias = ops::empty(DType::kF32, w.position_embedding.shape(), device);
  ops::copy(w.position_embedding, bias);
  Tensor row0 = bias.slice_rows(0, 1);
  ops::scaled_add(1.0f, row0, 1.0f, w.class_embedding.reshaped({1, w.class_embedding.numel()}), row0);
  return bias;
}

}  // namespace

ClipVisionTower::ClipVisionTower(const io::Checkpoint& checkpoint, const io::VisionLanguageConfig& vl)
    : ClipVisionTower(vl.vision, load_clip_weights(checkpoint, vl.vision, vl.feature_hidden_state()),
                      vl.feature_hidden_state(), vl.feature_select) {}

ClipVisionTower::ClipVisionTower(io::VisionConfig config, ClipWeights weights, int64_t hidden_state,
                                 io::FeatureSelect select)
    : config_(std::move(config)), weights_(std::move(weights)), hidden_state_(hidden_state), select_(select) {
  require(hidden_state_ >= 0 && hidden_state_ <= int64_t(weights_.layers.size()), ErrorCode::kInvalidArgument,
          "vision feature layer selects hidden state " + std::to_string(hidden_state_) + ", but the tower has " +
              std::to_string(weights_.layers.size()) + " loaded layers (valid: 0.." +
              std::to_string(weights_.layers.size()) + ")");
  // Weights built directly on a device (benchmarks) make an f32 tower of that device; to() picks the dtype.
  device_ = weights_.position_embedding.device();
  token_bias_ = make_token_bias(weights_);
}

ClipVisionTower ClipVisionTower::to(Device device, DType activation) const {
  ClipVisionTower placed = *this;
  placed.weights_ = place_clip_weights(weights_, device, activation);
  placed.device_ = device;
  placed.activation_ = activation;
  placed.token_bias_ = make_token_bias(placed.weights_);
  return placed;
}

int64_t ClipVisionTower::tokens_per_tile() const {
  const int64_t patches = config_.patches_per_side() * config_.patches_per_side();
  return select_ == io::FeatureSelect::kFull ? patches + 1 : patches;
}

// [tiles · positions, hidden] f32 on device_: CLS + positions, patch embeddings + positions, pre-LN.
Tensor ClipVisionTower::embed(const Tensor& pixels) const {
  const int64_t tiles = pixels.dim(0), hidden = config_.hidden_size, patch = config_.patch_size;
  const int64_t patches = config_.patches_per_side() * config_.patches_per_side(), positions = patches + 1;
  const Tensor on_device = ops::to_device(pixels, device_);  // the one upload (a no-op on the CPU)
  Tensor unfolded = ops::empty(DType::kF32, {tiles * patches, config_.num_channels * patch * patch}, device_);
  ops::unfold_patches(on_device, patch, unfolded);
  Tensor patch_embeds = ops::empty(DType::kF32, {tiles * patches, hidden}, device_);
  ops::linear(unfolded, weights_.patch_weight, nullptr, patch_embeds);

  // Each tile's rows: [0 (the CLS slot), patch 0, patch 1, ...], then + token_bias_ per tile.
  Tensor x = ops::zeros(DType::kF32, {tiles * positions, hidden}, device_);
  Tensor x_by_tile = x.reshaped({tiles, positions * hidden});
  ops::copy_into_columns(patch_embeds.reshaped({tiles, patches * hidden}), x_by_tile, hidden);
  for (int64_t t = 0; t < tiles; ++t) {
    Tensor tile = x.slice_rows(t * positions, (t + 1) * positions);
    ops::scaled_add(1.0f, tile, 1.0f, token_bias_, tile);
  }
  ops::layer_norm(x, weights_.pre_norm_weight, weights_.pre_norm_bias, float(config_.layer_norm_eps), x);
  return x;
}

Tensor ClipVisionTower::forward(const Tensor& pixels) const {
  const int64_t side = config_.image_size;
  require(pixels.dtype() == DType::kF32 && pixels.rank() == 4 && pixels.dim(0) > 0 &&
              pixels.dim(1) == config_.num_channels && pixels.dim(2) == side && pixels.dim(3) == side,
          ErrorCode::kInvalidArgument,
          "vision tower: pixels must be f32 [tiles, " + std::to_string(config_.num_channels) + ", " +
              std::to_string(side) + ", " + std::to_string(side) + "], got " + dtype_name(pixels.dtype()) + " " +
              shape_string(pixels.shape()));
  const int64_t tiles = pixels.dim(0), hidden = config_.hidden_size;
  const int64_t positions = config_.num_positions();

  Tensor x = embed(pixels);
  if (activation_ != DType::kF32) {
    Tensor narrow = ops::empty(activation_, x.shape(), device_);
    ops::convert(x, narrow);
    x = std::move(narrow);
  }
  for (int64_t layer = 0; layer < hidden_state_; ++layer) {
    x = clip_encoder_layer(config_, weights_.layers[size_t(layer)], x, tiles);
  }
  if (select_ == io::FeatureSelect::kFull) return x.reshaped({tiles, positions, hidden});

  // "default": drop each tile's CLS row (one strided copy over the tiles).
  const int64_t kept = positions - 1;
  Tensor out = ops::empty(activation_, {tiles, kept, hidden}, device_);
  Tensor out_by_tile = out.reshaped({tiles, kept * hidden});
  ops::copy_columns(x.reshaped({tiles, positions * hidden}), hidden, out_by_tile);
  return out;
}

}  // namespace lightvl::vision
