// Engine role: turning a prompt with image placeholders into the input embeddings of the text model
// (spec §7.7).
//
// Contract (the CLI's --ids and the public API follow it): each occurrence of the image placeholder id
// (config.json's image_token_index, the id of "<image>") in the prompt stands for exactly one image, in
// order. The engine expands the i-th placeholder into N_i copies of itself, where N_i is that image's
// token count (spec §7.6), embeds every id with the text embedding table, then overwrites the image
// positions with the images' packed embeddings in order (the reference's masked scatter).
//
// Prompts that already hold expanded runs are NOT recognised by build_multimodal_prompt: a run of N
// placeholders counts as N images, and the count check reports the mismatch. Whoever already has an
// expanded prompt (e.g. from the reference processor) calls merge_image_embeddings directly, which has
// exactly the reference's masked-scatter semantics. One rule per entry point keeps prompts unambiguous.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"
#include "text/backbone/text_model.h"
#include "vision/encoder/image_encoder.h"
#include "vision/preprocess/anyres_preprocess.h"

namespace lightvl::engine {

// A prompt ready for TextModel::forward.
struct MultimodalPrompt {
  std::vector<int32_t> ids;           // expanded ids (each image's positions hold the placeholder id)
  Tensor embeddings;                  // [ids.size(), hidden] f32, owned; image rows are the image embeddings
  std::vector<int64_t> image_offset;  // position in `ids` of image i's first token
  std::vector<int64_t> image_tokens;  // N_i, tokens of image i
};

// Number of `image_token_id` occurrences in `ids`. Never throws.
int64_t count_image_placeholders(const std::vector<int32_t>& ids, int32_t image_token_id);

// Replaces the i-th occurrence of `image_token_id` by tokens_per_image[i] copies of it. Throws
// Error(kInvalidArgument) when the number of occurrences differs from tokens_per_image.size() (the message
// gives both counts and restates the one-placeholder-per-image rule) or a count is below 1. Thread-safe.
std::vector<int32_t> expand_image_placeholders(const std::vector<int32_t>& ids, int32_t image_token_id,
                                               const std::vector<int64_t>& tokens_per_image);

// Where each image's run starts in `expanded_ids` (the output of expand_image_placeholders for the same
// counts). Images are laid out in order, each a run of exactly its count; adjacent images make one longer
// run, so the walk goes by counts, not by runs. Never throws.
std::vector<int64_t> image_run_offsets(const std::vector<int32_t>& expanded_ids, int32_t image_token_id,
                                       const std::vector<int64_t>& tokens_per_image);

// Masked scatter: the k-th position of `expanded_ids` holding `image_token_id` receives row k of the
// images concatenated in order. embeddings: [expanded_ids.size(), hidden] f32, modified in place; each
// image: [N_i, hidden] f32. Throws Error(kInvalidArgument) when the placeholder positions and the image
// rows differ in number, or an image has the wrong width or dtype (nothing is written then).
void merge_image_embeddings(const std::vector<int32_t>& expanded_ids, int32_t image_token_id,
                            const std::vector<Tensor>& images, Tensor& embeddings);

// Expansion + text embedding + merge, for images already encoded (each [N_i, hidden] f32, e.g. from
// vision::ImageEncoder::encode). Throws Error(kInvalidArgument) for a placeholder/image count mismatch,
// an empty prompt, an image of the wrong shape or ids outside the vocabulary. Thread-safe (reads only).
MultimodalPrompt build_multimodal_prompt(const text::TextModel& model, const std::vector<int32_t>& ids,
                                         int32_t image_token_id, const std::vector<Tensor>& images);

// The same, encoding the preprocessed images first (one ViT pass per image, in order). The placeholder
// count is checked before any image is encoded. Throws what build_multimodal_prompt and
// vision::ImageEncoder::encode throw.
MultimodalPrompt build_multimodal_prompt(const text::TextModel& model, const vision::ImageEncoder& encoder,
                                         const std::vector<int32_t>& ids, int32_t image_token_id,
                                         const std::vector<vision::PreprocessedImage>& images);

}  // namespace lightvl::engine
