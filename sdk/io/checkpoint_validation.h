// Checks a checkpoint against what the config says the model needs, before any weight is used.
//
// Every tensor of expected_tensors(config) must be present, have a float dtype (f32, f16 or bf16) and
// exactly the expected shape. Tensors the registry does not know are tolerated: the lightning decay
// buffers transformers-native checkpoints carry (…slope_rate, …query_decay, …key_decay,
// …diagonal_decay) silently, anything else (e.g. a CLIP post_layernorm) with one warning listing them.
//
// The fused transformers v5 expert layout (mlp.experts.gate_up_proj / down_proj, or the v5 VL root
// names under model.language_model.) is refused rather than split here: transformers writes the
// per-expert layout by default, and one accepted layout keeps the registry the single source of names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "io/model_config.h"

namespace lightvl::io {

// What validate_checkpoint saw besides the expected tensors.
struct ValidationReport {
  size_t checked = 0;                        // expected tensors present and verified
  uint64_t parameters = 0;                   // their elements: the model's parameter count (unlike
                                             // Checkpoint::parameter_count, excludes buffers and extras)
  std::vector<std::string> derived_buffers;  // decay buffers, ignored
  std::vector<std::string> unexpected;       // other unknown tensors (one warning was logged)
};

// Validates `checkpoint` against `config`. Throws:
//  - Error(kUnsupported) for the fused v5 layout (message says to re-save with save_original_format=True);
//  - Error(kNotFound) when an expected tensor is missing (message: the tensor, the directory, how many
//    are missing, and what to check);
//  - Error(kBadModel) for a non-float dtype or a wrong shape (message: the file, the tensor, expected vs
//    found, what to do).
// Logs one warning when there are unexpected tensors. Thread-safe (reads only headers; no tensor data).
ValidationReport validate_checkpoint(const Checkpoint& checkpoint, const ModelConfig& config);

}  // namespace lightvl::io
