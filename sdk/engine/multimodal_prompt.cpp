#include "engine/multimodal_prompt.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>

#include "core/error.h"

namespace lightvl::engine {
namespace {

std::string plural(int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void require_placeholder_count(int64_t placeholders, size_t images, int32_t image_token_id) {
  require(placeholders == int64_t(images), ErrorCode::kInvalidArgument,
          "the prompt holds " + plural(placeholders, "image placeholder") + " (id " + std::to_string(image_token_id) +
              ") but " + plural(int64_t(images), "image") + (images == 1 ? " was" : " were") +
              " given; each placeholder stands for one image, in order, and is expanded by the engine "
              "(pass one placeholder per image, not an expanded run)");
}

}  // namespace

int64_t count_image_placeholders(const std::vector<int32_t>& ids, int32_t image_token_id) {
  return std::count(ids.begin(), ids.end(), image_token_id);
}

std::vector<int32_t> expand_image_placeholders(const std::vector<int32_t>& ids, int32_t image_token_id,
                                               const std::vector<int64_t>& tokens_per_image) {
  require_placeholder_count(count_image_placeholders(ids, image_token_id), tokens_per_image.size(), image_token_id);
  for (size_t i = 0; i < tokens_per_image.size(); ++i) {
    require(tokens_per_image[i] >= 1, ErrorCode::kInvalidArgument,
            "image " + std::to_string(i) + " has " + std::to_string(tokens_per_image[i]) + " tokens; expected at least 1");
  }
  const int64_t total = int64_t(ids.size()) - int64_t(tokens_per_image.size()) +
                        std::accumulate(tokens_per_image.begin(), tokens_per_image.end(), int64_t(0));
  std::vector<int32_t> out;
  out.reserve(size_t(total));
  size_t image = 0;
  for (const int32_t id : ids) {
    if (id == image_token_id) {
      out.insert(out.end(), size_t(tokens_per_image[image++]), image_token_id);
    } else {
      out.push_back(id);
    }
  }
  return out;
}

void merge_image_embeddings(const std::vector<int32_t>& expanded_ids, int32_t image_token_id,
                            const std::vector<Tensor>& images, Tensor& embeddings) {
  require(embeddings.dtype() == DType::kF32 && embeddings.rank() == 2 &&
              embeddings.dim(0) == int64_t(expanded_ids.size()),
          ErrorCode::kInvalidArgument,
          "merge_image_embeddings: embeddings " + shape_string(embeddings.shape()) + " do not match " +
              std::to_string(expanded_ids.size()) + " ids");
  const int64_t hidden = embeddings.dim(1);
  int64_t image_rows = 0;
  for (size_t i = 0; i < images.size(); ++i) {
    require(images[i].dtype() == DType::kF32 && images[i].rank() == 2 && images[i].dim(1) == hidden,
            ErrorCode::kInvalidArgument,
            "image " + std::to_string(i) + " embeddings are " + dtype_name(images[i].dtype()) + " " +
                shape_string(images[i].shape()) + "; expected f32 [tokens, " + std::to_string(hidden) + "]");
    image_rows += images[i].dim(0);
  }
  const int64_t positions = count_image_placeholders(expanded_ids, image_token_id);
  require(positions == image_rows, ErrorCode::kInvalidArgument,
          "the expanded prompt holds " + plural(positions, "image position") + " (id " +
              std::to_string(image_token_id) + ") but the images have " + plural(image_rows, "embedding row"));

  const size_t row_bytes = size_t(hidden) * sizeof(float);
  size_t image = 0;
  int64_t row = 0;  // next row of images[image]
  for (size_t t = 0; t < expanded_ids.size(); ++t) {
    if (expanded_ids[t] != image_token_id) continue;
    while (row == images[image].dim(0)) {  // skips empty images too
      ++image;
      row = 0;
    }
    std::memcpy(embeddings.data<float>() + int64_t(t) * hidden, images[image].data<float>() + row * hidden, row_bytes);
    ++row;
  }
}

std::vector<int64_t> image_run_offsets(const std::vector<int32_t>& expanded_ids, int32_t image_token_id,
                                       const std::vector<int64_t>& tokens_per_image) {
  std::vector<int64_t> offsets;
  size_t pos = 0;
  for (int64_t n : tokens_per_image) {
    while (pos < expanded_ids.size() && expanded_ids[pos] != image_token_id) ++pos;
    offsets.push_back(int64_t(pos));
    pos += size_t(n);
  }
  return offsets;
}

MultimodalPrompt build_multimodal_prompt(const text::TextModel& model, const std::vector<int32_t>& ids,
                                         int32_t image_token_id, const std::vector<Tensor>& images) {
  require(!ids.empty(), ErrorCode::kInvalidArgument, "the prompt is empty");
  MultimodalPrompt p;
  for (const Tensor& image : images) {
    require(image.rank() == 2, ErrorCode::kInvalidArgument,
            "image embeddings must be [tokens, hidden], got " + shape_string(image.shape()));
    p.image_tokens.push_back(image.dim(0));
  }
  p.ids = expand_image_placeholders(ids, image_token_id, p.image_tokens);
  p.image_offset = image_run_offsets(p.ids, image_token_id, p.image_tokens);
  p.embeddings = model.embed(p.ids);
  merge_image_embeddings(p.ids, image_token_id, images, p.embeddings);
  return p;
}

MultimodalPrompt build_multimodal_prompt(const text::TextModel& model, const vision::ImageEncoder& encoder,
                                         const std::vector<int32_t>& ids, int32_t image_token_id,
                                         const std::vector<vision::PreprocessedImage>& images) {
  require_placeholder_count(count_image_placeholders(ids, image_token_id), images.size(), image_token_id);
  std::vector<Tensor> encoded;
  encoded.reserve(images.size());
  for (const vision::PreprocessedImage& image : images) encoded.push_back(encoder.encode(image));
  return build_multimodal_prompt(model, ids, image_token_id, encoded);
}

}  // namespace lightvl::engine
