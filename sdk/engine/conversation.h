// Engine role: a conversation turned into what the backbone eats. Messages are resolved once (images
// decoded and preprocessed, documents read), rendered with the checkpoint's chat template, tokenised,
// and each image placeholder expanded to the image's token count (spec §7.7).
#pragma once

#include <cstdint>
#include <vector>

#include "chat/chat_message.h"
#include "engine/loaded_model.h"
#include "lightvl/message.h"
#include "vision/preprocess/anyres_preprocess.h"

namespace lightvl {
// The engine's side of Image::Source::kPrepared: the preprocessed tiles and their plan.
struct PreparedImageData {
  vision::PreprocessedImage image;
};
}  // namespace lightvl

namespace lightvl::engine {

// A message with its attachments loaded.
struct ResolvedMessage {
  text::ChatMessage chat;                         // what the template renders (documents inlined as text)
  std::vector<vision::PreprocessedImage> images;  // in part order
  int64_t document_bytes = 0;
};

// Decodes and preprocesses one image for this model. Throws Error naming the image (kNotFound/kIo for
// files, kInvalidArgument for undecodable or oversized input, kUnsupported on a text-only model).
vision::PreprocessedImage load_image(const LoadedModel& model, const Image& image);

// Loads the message's images and documents. Throws Error naming the image or document that failed:
// kNotFound/kIo for files, kInvalidArgument for undecodable or oversized input, kUnsupported for an image
// sent to a text-only model. Thread-safe.
ResolvedMessage resolve_message(const LoadedModel& model, const Message& message);

// The prompt of a whole conversation, expanded.
struct PromptPlan {
  std::vector<int32_t> ids;                 // every position (image positions hold the placeholder id)
  std::vector<int64_t> image_offsets;       // first position of each image, in conversation order
  std::vector<const vision::PreprocessedImage*> images;  // pointers into the conversation's messages
  int64_t image_tokens = 0;
};

// Renders `conversation` (with the generation prompt appended) and expands the images. The pointers in
// the result point into `conversation`. Throws Error(kInvalidArgument) when the text holds a different
// number of image placeholders than there are images (e.g. a literal "<image>" typed in the text).
PromptPlan plan_prompt(const LoadedModel& model, const std::vector<ResolvedMessage>& conversation);

}  // namespace lightvl::engine
