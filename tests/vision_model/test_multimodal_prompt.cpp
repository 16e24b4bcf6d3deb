// Prompt expansion and merge (spec §7.7), then the whole VL model against transformers' reference logits
// (tests/reference/make_vl_goldens.py): images decoded, preprocessed and encoded by lightvl, placeholders
// expanded, embeddings merged, the backbone run, and every expanded position's logits compared.
// Tolerance (issue 4): max |error| ≤ 1e-4 · max |logit|.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>

#include "core/error.h"
#include "engine/multimodal_prompt.h"
#include "text/backbone/hybrid_state.h"
#include "vision/image/image_decoder.h"
#include "vl_golden.h"

namespace lightvl {
namespace {

using testing::kRelativeTolerance;
using testing::read_golden;
using testing::relative_error;
using testing::tiny_vl;
using testing::vl_golden;

constexpr int32_t kImage = 7;  // placeholder id of the synthetic tests

// [rows, width] f32 whose row r holds `base + r` everywhere.
Tensor rows_of(int64_t rows, int64_t width, float base) {
  Tensor t = Tensor::zeros(DType::kF32, {rows, width});
  for (int64_t r = 0; r < rows; ++r) std::fill_n(t.data<float>() + r * width, width, base + float(r));
  return t;
}

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;  // "no error": no test expects kInternal
}

TEST(MultimodalPrompt, ExpandsEachPlaceholderInOrder) {
  const std::vector<int32_t> ids = {1, kImage, 2, 3, kImage, 4};
  EXPECT_EQ(engine::count_image_placeholders(ids, kImage), 2);
  const std::vector<int32_t> expected = {1, kImage, kImage, kImage, 2, 3, kImage, kImage, 4};
  EXPECT_EQ(engine::expand_image_placeholders(ids, kImage, {3, 2}), expected);
  EXPECT_EQ(engine::expand_image_placeholders({1, 2}, kImage, {}), (std::vector<int32_t>{1, 2}));
}

TEST(MultimodalPrompt, PlaceholderImageCountMismatchIsInvalidArgument) {
  const std::vector<int32_t> two = {1, kImage, 2, kImage};
  EXPECT_EQ(code_of([&] { engine::expand_image_placeholders(two, kImage, {5}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { engine::expand_image_placeholders(two, kImage, {5, 5, 5}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { engine::expand_image_placeholders({1, 2}, kImage, {5}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { engine::expand_image_placeholders(two, kImage, {5, 0}); }), ErrorCode::kInvalidArgument);
  // An already expanded run is N images, not one: refused with the one-placeholder-per-image rule.
  try {
    engine::expand_image_placeholders({1, kImage, kImage, kImage, 2}, kImage, {3});
    FAIL() << "an expanded run was accepted as one image";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("one placeholder per image"), std::string::npos) << e.what();
  }
}

TEST(MultimodalPrompt, MergeScattersImageRowsInOrder) {
  const std::vector<int32_t> ids = {1, kImage, kImage, 2, kImage, kImage, kImage, 3};
  Tensor embeddings = rows_of(int64_t(ids.size()), 4, -100.0f);
  engine::merge_image_embeddings(ids, kImage, {rows_of(2, 4, 10.0f), rows_of(3, 4, 20.0f)}, embeddings);
  const std::vector<float> expected = {-100, 10, 11, -97, 20, 21, 22, -93};
  for (size_t t = 0; t < ids.size(); ++t) {
    for (int64_t c = 0; c < 4; ++c) EXPECT_EQ(embeddings.data<float>()[t * 4 + c], expected[t]) << "row " << t;
  }
}

TEST(MultimodalPrompt, MergeRefusesMismatchedRowsOrWidths) {
  const std::vector<int32_t> ids = {1, kImage, kImage, 2};
  Tensor embeddings = rows_of(4, 4, 0.0f);
  const Tensor before = embeddings.clone();
  EXPECT_EQ(code_of([&] { engine::merge_image_embeddings(ids, kImage, {rows_of(3, 4, 1.0f)}, embeddings); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { engine::merge_image_embeddings(ids, kImage, {rows_of(2, 5, 1.0f)}, embeddings); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(std::memcmp(before.raw(), embeddings.raw(), before.nbytes()), 0) << "a refused merge wrote rows";
}

TEST(MultimodalPrompt, BuildKeepsImagesInPromptOrder) {
  const auto& model = *tiny_vl().text;
  const int32_t image = vl_golden().image_token;
  const int64_t hidden = model.spec().hidden_size;
  const std::vector<int32_t> ids = {5, image, 6, image, 8};
  const Tensor a = rows_of(2, hidden, 1.0f), b = rows_of(3, hidden, 50.0f);
  const engine::MultimodalPrompt p = engine::build_multimodal_prompt(model, ids, image, {a, b});
  EXPECT_EQ(p.ids.size(), 8u);
  EXPECT_EQ(p.image_tokens, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(p.image_offset, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(p.embeddings.data<float>()[1 * hidden], 1.0f);
  EXPECT_EQ(p.embeddings.data<float>()[2 * hidden], 2.0f);
  EXPECT_EQ(p.embeddings.data<float>()[4 * hidden], 50.0f);
  EXPECT_EQ(p.embeddings.data<float>()[6 * hidden], 52.0f);
  // Text rows are the token embeddings.
  const Tensor text = model.embed({5, 6, 8});
  EXPECT_EQ(std::memcmp(p.embeddings.data<float>(), text.data<float>(), size_t(hidden) * 4), 0);
  EXPECT_EQ(std::memcmp(p.embeddings.data<float>() + 7 * hidden, text.data<float>() + 2 * hidden, size_t(hidden) * 4), 0);
  EXPECT_EQ(code_of([&] { engine::build_multimodal_prompt(model, ids, image, {a}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { engine::build_multimodal_prompt(model, {}, image, {}); }), ErrorCode::kInvalidArgument);
}

// Logits [T, vocab] of every expanded position, one forward pass from an empty state.
Tensor all_logits(const engine::MultimodalPrompt& p) {
  const text::TextModel& model = *tiny_vl().text;
  text::HybridState state(model.spec());
  return model.logits(model.forward(p.embeddings, state));
}

class VlGoldenCase : public ::testing::TestWithParam<size_t> {
 protected:
  const testing::GoldenCase& golden() const { return vl_golden().cases[GetParam()]; }
};

TEST_P(VlGoldenCase, LogitsFromImageFilesMatchReference) {
  const auto& c = golden();
  std::vector<vision::PreprocessedImage> images;
  for (const std::string& stem : c.images) {
    const auto& file = vl_golden().images.at(stem).file;
    images.push_back(vision::preprocess_image(vision::decode_image_file(testing::source_path(file)),
                                              tiny_vl().preprocess, file));
  }
  const engine::MultimodalPrompt p =
      engine::build_multimodal_prompt(*tiny_vl().text, *tiny_vl().encoder, c.prompt_ids, vl_golden().image_token, images);
  EXPECT_EQ(int64_t(p.ids.size()), c.expanded_length);
  EXPECT_EQ(p.image_tokens, c.image_tokens);
  EXPECT_LT(relative_error(all_logits(p), read_golden(c.logits_file), c.name + " logits, from image files"),
            kRelativeTolerance);
}

TEST_P(VlGoldenCase, LogitsFromReferencePixelsMatchReference) {
  const auto& c = golden();
  std::vector<Tensor> encoded;
  for (const std::string& stem : c.images) {
    const auto& image = vl_golden().images.at(stem);
    const vision::AnyresPlan plan = vision::plan_anyres(image.width, image.height, tiny_vl().preprocess);
    encoded.push_back(tiny_vl().encoder->encode(read_golden(image.pixels), plan));
  }
  const engine::MultimodalPrompt p =
      engine::build_multimodal_prompt(*tiny_vl().text, c.prompt_ids, vl_golden().image_token, encoded);
  EXPECT_EQ(int64_t(p.ids.size()), c.expanded_length);
  EXPECT_LT(relative_error(all_logits(p), read_golden(c.logits_file), c.name + " logits, reference pixels"),
            kRelativeTolerance);
}

TEST(VlGolden, SwappingTwoImagesChangesTheLogits) {
  // Order matters: the merge must follow the placeholders, so handing the two images of a golden case in
  // the wrong order must not reproduce its logits (it would if the merge ignored the order).
  int cases = 0;
  for (const auto& c : vl_golden().cases) {
    if (c.images.size() < 2) continue;
    ++cases;
    std::vector<Tensor> encoded;
    for (const std::string& stem : c.images) encoded.push_back(read_golden(vl_golden().images.at(stem).embeddings));
    std::swap(encoded[0], encoded[1]);
    const engine::MultimodalPrompt p =
        engine::build_multimodal_prompt(*tiny_vl().text, c.prompt_ids, vl_golden().image_token, encoded);
    EXPECT_GT(relative_error(all_logits(p), read_golden(c.logits_file), c.name + " logits, images swapped (must differ)"),
              100 * kRelativeTolerance);
  }
  EXPECT_GT(cases, 0) << "no golden case has two images";
}

std::string case_name(const ::testing::TestParamInfo<size_t>& info) { return vl_golden().cases[info.param].name; }

INSTANTIATE_TEST_SUITE_P(Cases, VlGoldenCase, ::testing::Range(size_t(0), vl_golden().cases.size()), case_name);

}  // namespace
}  // namespace lightvl
