#include "vision/encoder/clip_vision_tower.h"

#include <cstring>
#include <utility>

#include "core/error.h"
#include "ops/activation.h"
#include "ops/linear.h"
#include "ops/norm.h"
#include "vision/encoder/clip_encoder_layer.h"

namespace lightvl::vision {
namespace {

// im2col for a p×p stride-p convolution: row (tile, py, px) holds that patch's values ordered
// (channel, ky, kx), matching the weight's [hidden, channel, ky, kx] flattening.
Tensor unfold_patches(const Tensor& pixels, int64_t patch) {
  const int64_t tiles = pixels.dim(0), channels = pixels.dim(1), side = pixels.dim(2), grid = side / patch;
  Tensor out = Tensor::zeros(DType::kF32, {tiles * grid * grid, channels * patch * patch});
  const float* src = pixels.data<float>();
  float* dst = out.data<float>();
  for (int64_t t = 0; t < tiles; ++t) {
    for (int64_t py = 0; py < grid; ++py) {
      for (int64_t px = 0; px < grid; ++px) {
        float* row = dst + ((t * grid + py) * grid + px) * channels * patch * patch;
        for (int64_t c = 0; c < channels; ++c) {
          for (int64_t ky = 0; ky < patch; ++ky) {
            const float* line = src + ((t * channels + c) * side + py * patch + ky) * side + px * patch;
            std::memcpy(row + (c * patch + ky) * patch, line, size_t(patch) * sizeof(float));
          }
        }
      }
    }
  }
  return out;
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
}

int64_t ClipVisionTower::tokens_per_tile() const {
  const int64_t patches = config_.patches_per_side() * config_.patches_per_side();
  return select_ == io::FeatureSelect::kFull ? patches + 1 : patches;
}

Tensor ClipVisionTower::embed(const Tensor& pixels) const {
  const int64_t tiles = pixels.dim(0), hidden = config_.hidden_size;
  const int64_t patches = config_.patches_per_side() * config_.patches_per_side(), positions = patches + 1;
  Tensor patch_embeds = Tensor::zeros(DType::kF32, {tiles * patches, hidden});
  ops::linear(unfold_patches(pixels, config_.patch_size), weights_.patch_weight, nullptr, patch_embeds);

  Tensor x = Tensor::zeros(DType::kF32, {tiles * positions, hidden});
  const size_t row_bytes = size_t(hidden) * sizeof(float);
  for (int64_t t = 0; t < tiles; ++t) {
    Tensor tile = x.slice_rows(t * positions, (t + 1) * positions);
    std::memcpy(tile.raw(), weights_.class_embedding.raw(), row_bytes);
    std::memcpy(tile.data<float>() + hidden, patch_embeds.data<float>() + t * patches * hidden, size_t(patches) * row_bytes);
    ops::scaled_add(1.0f, tile, 1.0f, weights_.position_embedding, tile);
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
  for (int64_t layer = 0; layer < hidden_state_; ++layer) {
    x = clip_encoder_layer(config_, weights_.layers[size_t(layer)], x, tiles);
  }
  if (select_ == io::FeatureSelect::kFull) return x.reshaped({tiles, positions, hidden});

  // "default": drop each tile's CLS row.
  const int64_t kept = positions - 1;
  Tensor out = Tensor::zeros(DType::kF32, {tiles, kept, hidden});
  for (int64_t t = 0; t < tiles; ++t) {
    std::memcpy(out.data<float>() + t * kept * hidden, x.data<float>() + (t * positions + 1) * hidden,
                size_t(kept * hidden) * sizeof(float));
  }
  return out;
}

}  // namespace lightvl::vision
