// The vision half against transformers' reference (tests/reference/make_vl_goldens.py): CLIP hidden states
// for every feature-layer choice, projector output per tile, packed image embeddings for every golden
// geometry (pixels from the reference processor, and through lightvl's own decoding + preprocessing), and
// image-token counts. Tolerance: max |error| ≤ 1e-4 · max |reference|.
#include <gtest/gtest.h>

#include <cstring>

#include "core/error.h"
#include "vision/encoder/clip_vision_tower.h"
#include "vision/encoder/image_packing.h"
#include "vision/image/image_decoder.h"
#include "vision/preprocess/anyres_plan.h"
#include "vision/preprocess/anyres_preprocess.h"
#include "vl_golden.h"

namespace lightvl {
namespace {

using testing::kRelativeTolerance;
using testing::detail_image;
using testing::every_feature_choice;
using testing::FeatureChoice;
using testing::read_golden;
using testing::reference_hidden_state;
using testing::relative_error;
using testing::tiny_vl;
using testing::vl_golden;

TEST(VisionEncoder, TileFeaturesMatchReference) {
  const auto& image = detail_image();
  const Tensor pixels = read_golden(image.pixels);
  const Tensor ours = tiny_vl().encoder->tile_features(pixels);
  const Tensor ref = read_golden(image.tile_features);
  EXPECT_EQ(ours.shape(), ref.shape());
  EXPECT_LT(relative_error(ours, ref, image.stem + " projector output per tile"), kRelativeTolerance);
}

TEST(VisionEncoder, EveryFeatureLayerAndStrategyMatchesReferenceHiddenStates) {
  const auto& image = detail_image();
  const Tensor pixels = read_golden(image.pixels);
  const Tensor states = read_golden(image.clip_states);  // [L+1, tiles, positions, hidden]
  ASSERT_EQ(states.dim(0), tiny_vl().config.vl->vision.num_hidden_layers + 1);
  for (const FeatureChoice& c : every_feature_choice()) {
    const vision::ClipVisionTower tower(tiny_vl().checkpoint, c.vl);
    EXPECT_EQ(tower.hidden_state(), c.hidden_state);
    const Tensor ours = tower.forward(pixels);
    const Tensor ref = reference_hidden_state(states, c.hidden_state, c.keep_cls);
    EXPECT_EQ(ours.shape(), ref.shape());
    EXPECT_LT(relative_error(ours, ref, c.label), kRelativeTolerance);
  }
}

TEST(VisionEncoder, TokenCountsMatchReference) {
  for (const auto& [stem, image] : vl_golden().images) {
    const vision::AnyresPlan plan = vision::plan_anyres(image.width, image.height, tiny_vl().preprocess);
    EXPECT_EQ(plan.num_tokens, image.num_tokens) << stem;
    EXPECT_EQ(plan.num_tiles(), image.num_tiles) << stem;
    EXPECT_EQ(plan.base_tokens + plan.kept_rows() * (plan.kept_cols() + 1), image.num_tokens) << stem;
  }
}

TEST(VisionEncoder, PackedEmbeddingsFromReferencePixelsMatchReference) {
  for (const auto& [stem, image] : vl_golden().images) {
    const vision::AnyresPlan plan = vision::plan_anyres(image.width, image.height, tiny_vl().preprocess);
    const Tensor ours = tiny_vl().encoder->encode(read_golden(image.pixels), plan);
    EXPECT_EQ(ours.dim(0), image.num_tokens) << stem;
    EXPECT_LT(relative_error(ours, read_golden(image.embeddings), stem + " packed, reference pixels"),
              kRelativeTolerance);
  }
}

TEST(VisionEncoder, PackedEmbeddingsFromImageFilesMatchReference) {
  for (const auto& [stem, image] : vl_golden().images) {
    const vision::PreprocessedImage pre = vision::preprocess_image(
        vision::decode_image_file(testing::source_path(image.file)), tiny_vl().preprocess, image.file);
    const Tensor ours = tiny_vl().encoder->encode(pre);
    EXPECT_LT(relative_error(ours, read_golden(image.embeddings), stem + " packed, decoded + preprocessed"),
              kRelativeTolerance);
  }
}

TEST(VisionEncoder, RefusesPixelsThatDoNotFitTheTowerOrThePlan) {
  const auto& image = detail_image();
  const vision::AnyresPlan plan = vision::plan_anyres(image.width, image.height, tiny_vl().preprocess);
  const Tensor pixels = read_golden(image.pixels);
  // One tile short of the plan.
  const Tensor fewer = pixels.slice_rows(0, pixels.dim(0) - 1);
  EXPECT_THROW(
      {
        try {
          tiny_vl().encoder->encode(fewer, plan);
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
          throw;
        }
      },
      Error);
  // Wrong tile side.
  const Tensor wrong = Tensor::zeros(DType::kF32, {1, 3, 28, 28});
  EXPECT_THROW(tiny_vl().encoder->tile_features(wrong), Error);
  // A plan made for another tile size.
  vision::AnyresPlan other = plan;
  other.tile_size = 28;
  EXPECT_THROW(tiny_vl().encoder->encode(pixels, other), Error);
}

TEST(VisionEncoder, FullStrategyCannotBePacked) {
  io::ModelConfig config = tiny_vl().config;
  config.vl->feature_select = io::FeatureSelect::kFull;
  try {
    vision::ImageEncoder encoder(tiny_vl().checkpoint, config);
    FAIL() << "an encoder with the \"full\" strategy was built";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
  }
}

TEST(VisionEncoder, FeatureLayerOutOfRangeIsRefused) {
  io::VisionLanguageConfig vl = *tiny_vl().config.vl;
  vl.vision_feature_layer = vl.vision.num_hidden_layers + 1;
  EXPECT_THROW(vision::ClipVisionTower(tiny_vl().checkpoint, vl), Error);
}

}  // namespace
}  // namespace lightvl
