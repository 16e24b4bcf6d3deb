// Conversations to token ids. The whole conversation is rendered with the checkpoint's chat template
// and tokenised in one piece, with special tokens recognised, exactly as the reference processor does
// (splitting the text per message could merge or split tokens differently at the boundaries). Documents
// become text parts wrapped in a <document name="..."> block; images become the template's placeholder
// and are expanded to their token counts afterwards (spec §7.7).
#include "engine/conversation.h"

#include <span>

#include "core/error.h"
#include "engine/document_reader.h"
#include "engine/multimodal_prompt.h"
#include "vision/image/image_decoder.h"

namespace lightvl::engine {
namespace {

vision::RgbImage decode(const Image& image) {
  switch (image.source) {
    case Image::Source::kFile: return vision::decode_image_file(image.name);
    case Image::Source::kEncoded: return vision::decode_image(std::span<const uint8_t>(image.bytes), image.name);
    case Image::Source::kPrepared: break;  // handled by load_image
    case Image::Source::kRgb:
      require(image.width > 0 && image.height > 0 &&
                  image.bytes.size() == size_t(image.width) * size_t(image.height) * 3,
              ErrorCode::kInvalidArgument,
              "raw image '" + image.name + "': expected width·height·3 = " +
                  std::to_string(int64_t(image.width) * image.height * 3) + " RGB bytes, got " +
                  std::to_string(image.bytes.size()));
      return vision::copy_rgb_pixels(image.bytes.data(), image.width, image.height, size_t(image.width) * 3,
                                     vision::kDefaultMaxImagePixels, image.name);
  }
  fail(ErrorCode::kInternal, "unknown image source");
}

// How a document appears to the model: its name, then its whole text.
std::string document_block(const DocumentText& doc) {
  return "<document name=\"" + doc.name + "\">\n" + doc.text + "\n</document>\n";
}

}  // namespace

vision::PreprocessedImage load_image(const LoadedModel& model, const Image& image) {
  require(model.image_encoder != nullptr, ErrorCode::kUnsupported,
          "image '" + image.name + "': this model (" + model.config.model_type +
              ") has no vision tower; use a MiniMax-VL-01 checkpoint for images");
  if (image.source == Image::Source::kPrepared) {
    require(image.prepared != nullptr, ErrorCode::kInvalidArgument, "prepared image '" + image.name + "' is empty");
    const vision::PreprocessedImage& p = image.prepared->image;
    require(p.plan.tile_size == model.preprocess->tile_size && p.plan.patch_size == model.preprocess->patch_size,
            ErrorCode::kInvalidArgument,
            "image '" + image.name + "' was prepared for a model with other tiles; prepare it with this model");
    return p;
  }
  return vision::preprocess_image(decode(image), *model.preprocess, image.name);
}

ResolvedMessage resolve_message(const LoadedModel& model, const Message& message) {
  ResolvedMessage out;
  out.chat.role = role_name(message.role);
  for (const Part& part : message.parts) {
    text::ContentPart cp;
    switch (part.kind) {
      case Part::Kind::kText:
        cp.text = part.text;
        break;
      case Part::Kind::kDocument: {
        const DocumentText doc = part.document.text.empty()
                                     ? read_document(part.document.name)
                                     : DocumentText{part.document.name, part.document.text, 0};
        cp.text = document_block(doc);
        out.document_bytes += int64_t(doc.text.size());
        break;
      }
      case Part::Kind::kImage:
        cp.type = text::ContentPart::Type::kImage;
        cp.image = part.image.name;
        out.images.push_back(load_image(model, part.image));
        break;
    }
    out.chat.content.push_back(std::move(cp));
  }
  return out;
}

PromptPlan plan_prompt(const LoadedModel& model, const std::vector<ResolvedMessage>& conversation) {
  const text::Tokenizer& tokenizer = model.require_tokenizer();
  std::vector<text::ChatMessage> messages;
  std::vector<int64_t> tokens_per_image;
  PromptPlan plan;
  for (const ResolvedMessage& m : conversation) {
    messages.push_back(m.chat);
    for (const vision::PreprocessedImage& image : m.images) {
      tokens_per_image.push_back(image.plan.num_tokens);
      plan.images.push_back(&image);
      plan.image_tokens += image.plan.num_tokens;
    }
  }
  const std::string prompt = model.chat_template->render(messages);
  std::vector<int32_t> ids;
  for (text::TokenId id : tokenizer.encode(prompt, /*allow_special=*/true)) ids.push_back(int32_t(id));
  if (model.image_token_id < 0) {
    plan.ids = std::move(ids);
    return plan;
  }
  plan.ids = expand_image_placeholders(ids, model.image_token_id, tokens_per_image);
  plan.image_offsets = image_run_offsets(plan.ids, model.image_token_id, tokens_per_image);
  return plan;
}

}  // namespace lightvl::engine
