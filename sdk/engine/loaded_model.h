// A checkpoint opened, validated and bound to the model halves: what the public Model wraps.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "chat/chat_template.h"
#include "io/checkpoint.h"
#include "io/checkpoint_validation.h"
#include "io/model_config.h"
#include "text/backbone/text_model.h"
#include "tokenizer/tokenizer.h"
#include "vision/encoder/image_encoder.h"
#include "vision/preprocess/preprocess_config.h"

namespace lightvl::engine {

// Immutable after construction; shared by every session (thread-safe for concurrent readers).
struct LoadedModel {
  std::filesystem::path directory;
  io::ModelConfig config;
  io::Checkpoint checkpoint;
  io::ValidationReport validation;
  std::unique_ptr<text::TextModel> text;

  // Present when the directory has tokenizer.json (ids-only use needs none).
  std::optional<text::Tokenizer> tokenizer;
  // The checkpoint's chat template when recognised; otherwise the family's format by model_type.
  std::optional<text::ChatTemplate> chat_template;
  // VL models only.
  std::optional<vision::PreprocessConfig> preprocess;
  std::unique_ptr<vision::ImageEncoder> image_encoder;
  int32_t image_token_id = -1;

  // Ids that end an answer: the tokenizer's eos, <end_of_sentence> and config.json's eos ids.
  std::vector<int32_t> end_ids;
  // Positions a sequence may hold (config max_position_embeddings, or the caller's override).
  int64_t context_length = 0;
  // How the backbone's projections are held, and the bytes all weights occupy as held: the checkpoint's
  // tensors, with the backbone's counted as placed (int8 projections at 1 byte per weight + scales).
  text::WeightFormat weight_format = text::WeightFormat::kCheckpoint;
  uint64_t weight_bytes = 0;

  // Reports a finished loading stage (fraction of the load done, stage name); throws Error(kCancelled)
  // to abandon the load. May be empty.
  using StageCallback = std::function<void(float, const char*)>;

  // Opens `dir`: config.json, the safetensors files (strict validation), the tokenizer files when present,
  // the vision half of a VL model. `weights` kInt8 quantises the backbone's attention and expert
  // projections (the vision tower, embedding, lm_head, routers and norms keep their dtype).
  // Throws Error (kNotFound, kBadModel, kUnsupported, kIo) naming the file/tensor and what to do, or
  // what `on_stage` throws.
  LoadedModel(const std::filesystem::path& dir, int64_t context_override, const StageCallback& on_stage = {},
              Device device = Device::kCpu, DType activation = DType::kF32,
              text::WeightFormat weights = text::WeightFormat::kCheckpoint);

  // Reads every tensor's bytes once (pages the mapped weights in), reporting progress as bytes read over
  // the total through `on_bytes(done, total)`, which may throw to cancel.
  void prefetch(const std::function<void(uint64_t, uint64_t)>& on_bytes) const;

  // Throws Error(kUnsupported) saying the model directory has no tokenizer.json (for text prompts).
  const text::Tokenizer& require_tokenizer() const;
};

}  // namespace lightvl::engine
