// Test helpers for the vision-language goldens (tests/reference/make_vl_goldens.py): the golden manifest,
// the tiny VL checkpoint bound once per test binary, and the relative-error figure every comparison prints.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/checkpoint.h"
#include "io/checkpoint_validation.h"
#include "io/model_config.h"
#include "io/npy.h"
#include "text/backbone/text_model.h"
#include "vision/encoder/image_encoder.h"
#include "vision/preprocess/preprocess_config.h"

namespace lightvl::testing {

// Max |ours − reference| ≤ kRelativeTolerance · max |reference| (issue 4: the VL logits tolerance, used for
// every vision comparison as well).
constexpr double kRelativeTolerance = 1e-4;

inline std::string source_path(const std::string& relative) { return std::string(LIGHTVL_SOURCE_DIR) + "/" + relative; }

struct GoldenImage {
  std::string stem;
  std::string file;  // repository-relative image file
  int width = 0, height = 0;
  int64_t num_tokens = 0, num_tiles = 0;
  std::string pixels, embeddings, tile_features, clip_states;  // repository-relative .npy files ("" if absent)
};

struct GoldenCase {
  std::string name;
  std::vector<int32_t> prompt_ids;  // one placeholder per image
  std::vector<std::string> images;  // stems, in prompt order
  std::vector<int64_t> image_tokens;
  int64_t expanded_length = 0;
  std::string logits_file;
};

struct VlGolden {
  std::string model_dir;
  int32_t image_token = 0;
  std::vector<GoldenCase> cases;
  std::map<std::string, GoldenImage> images;
};

inline const VlGolden& vl_golden() {
  static const VlGolden golden = [] {
    std::ifstream in(source_path("tests/fixtures/golden/vl_golden.json"));
    EXPECT_TRUE(in.good()) << "missing tests/fixtures/golden/vl_golden.json";
    const nlohmann::json j = nlohmann::json::parse(in);
    VlGolden g;
    g.model_dir = source_path(j.at("model_dir").get<std::string>());
    g.image_token = j.at("image_token_index").get<int32_t>();
    for (const auto& c : j.at("cases")) {
      g.cases.push_back({c.at("name"), c.at("prompt_ids").get<std::vector<int32_t>>(),
                         c.at("images").get<std::vector<std::string>>(), c.at("image_tokens").get<std::vector<int64_t>>(),
                         c.at("expanded_length").get<int64_t>(), c.at("logits_file").get<std::string>()});
    }
    for (const auto& [stem, e] : j.at("images").items()) {
      GoldenImage im;
      im.stem = stem;
      im.file = e.at("file");
      im.width = e.at("width");
      im.height = e.at("height");
      im.num_tokens = e.at("num_tokens");
      im.num_tiles = e.at("num_tiles");
      im.pixels = e.at("pixels");
      im.embeddings = e.at("embeddings");
      im.tile_features = e.value("tile_features", "");
      im.clip_states = e.value("clip_states", "");
      g.images[stem] = im;
    }
    return g;
  }();
  return golden;
}

inline Tensor read_golden(const std::string& relative) { return io::read_npy(source_path(relative)); }

// The tiny VL checkpoint, validated and bound to both halves once per test binary (read-only afterwards).
struct TinyVl {
  io::ModelConfig config;
  io::Checkpoint checkpoint;
  std::unique_ptr<text::TextModel> text;
  std::unique_ptr<vision::ImageEncoder> encoder;
  vision::PreprocessConfig preprocess;

  explicit TinyVl(const std::string& dir)
      : config(io::load_model_config(dir)), checkpoint(dir) {
    io::validate_checkpoint(checkpoint, config);
    text = std::make_unique<text::TextModel>(checkpoint, config);
    encoder = std::make_unique<vision::ImageEncoder>(checkpoint, config);
    preprocess = vision::load_preprocess_config(dir);
  }
};

inline const TinyVl& tiny_vl() {
  static const TinyVl model(vl_golden().model_dir);
  return model;
}

// The golden image that carries per-tile features and every hidden state of the reference's ViT.
inline const GoldenImage& detail_image() {
  for (const auto& [stem, image] : vl_golden().images) {
    if (!image.tile_features.empty()) return image;
  }
  throw Error(ErrorCode::kNotFound, "vl_golden.json names no image with tile features");
}

// Hidden state k of the reference's [L+1, tiles, positions, hidden] states (k = 0: the embeddings after
// pre_layrnorm) as [tiles, kept, hidden], with or without the CLS row of each tile.
inline Tensor reference_hidden_state(const Tensor& states, int64_t k, bool keep_cls) {
  const int64_t tiles = states.dim(1), positions = states.dim(2), hidden = states.dim(3);
  const int64_t first = keep_cls ? 0 : 1, kept = positions - first;
  Tensor out = Tensor::zeros(DType::kF32, {tiles, kept, hidden});
  for (int64_t t = 0; t < tiles; ++t) {
    const float* src = states.data<float>() + ((k * tiles + t) * positions + first) * hidden;
    std::copy(src, src + kept * hidden, out.data<float>() + t * kept * hidden);
  }
  return out;
}

// One choice of what the ViT hands the projector: the tiny VL config with vision_feature_layer and
// vision_feature_select_strategy set, the hidden state (0..L) that reads and whether CLS rows are kept.
struct FeatureChoice {
  io::VisionLanguageConfig vl;
  int64_t hidden_state = 0;
  bool keep_cls = false;
  std::string label;  // "feature layer N default|full"
};

// Every vision_feature_layer in [−(L+1), L] with both select strategies, for a tower of L layers.
inline std::vector<FeatureChoice> every_feature_choice() {
  std::vector<FeatureChoice> out;
  const int64_t layers = tiny_vl().config.vl->vision.num_hidden_layers;
  for (int64_t feature_layer = -(layers + 1); feature_layer <= layers; ++feature_layer) {
    for (const io::FeatureSelect select : {io::FeatureSelect::kDefault, io::FeatureSelect::kFull}) {
      FeatureChoice c;
      c.vl = *tiny_vl().config.vl;
      c.vl.vision_feature_layer = feature_layer;
      c.vl.feature_select = select;
      c.hidden_state = c.vl.feature_hidden_state();
      c.keep_cls = select == io::FeatureSelect::kFull;
      c.label = "feature layer " + std::to_string(feature_layer) + (c.keep_cls ? " full" : " default");
      out.push_back(c);
    }
  }
  return out;
}

// Max |ours − ref| / max |ref| over all elements, printed as a figure. Shapes must hold the same count.
inline double relative_error(const Tensor& ours, const Tensor& ref, const std::string& label) {
  EXPECT_EQ(ours.numel(), ref.numel()) << label << ": " << shape_string(ours.shape()) << " vs "
                                       << shape_string(ref.shape());
  const int64_t n = std::min(ours.numel(), ref.numel());
  double max_err = 0, max_ref = 0;
  for (int64_t i = 0; i < n; ++i) {
    max_err = std::max(max_err, std::abs(double(ours.data<float>()[i]) - ref.data<float>()[i]));
    max_ref = std::max(max_ref, std::abs(double(ref.data<float>()[i])));
  }
  const double rel = max_ref > 0 ? max_err / max_ref : max_err;
  std::printf("[ figure ] %s: max abs err %.3g, max |ref| %.3g, relative %.3g (tolerance %.0e)\n", label.c_str(),
              max_err, max_ref, rel, kRelativeTolerance);
  return ours.numel() == ref.numel() ? rel : INFINITY;
}

}  // namespace lightvl::testing
