// A checkpoint opened, validated and bound to the backbone: what the public Model wraps.
#pragma once

#include <filesystem>
#include <memory>

#include "io/checkpoint.h"
#include "io/checkpoint_validation.h"
#include "io/model_config.h"
#include "text/backbone/text_model.h"

namespace lightvl::engine {

// Immutable after construction; shared by every session (thread-safe for concurrent readers).
struct LoadedModel {
  io::ModelConfig config;
  io::Checkpoint checkpoint;
  io::ValidationReport validation;
  std::unique_ptr<text::TextModel> text;

  // Opens `dir`: config.json, the safetensors files, strict validation, then binds the backbone.
  // Throws Error (kNotFound, kBadModel, kUnsupported, kIo) naming the file/tensor and what to do.
  explicit LoadedModel(const std::filesystem::path& dir);
};

}  // namespace lightvl::engine
