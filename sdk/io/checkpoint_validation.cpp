// validate_checkpoint: compares the checkpoint's headers with the registry's expected list.
//
// Missing tensors are collected before reporting: when hundreds are missing (wrong config, wrong
// prefix, a shard not downloaded) the count and the first and last names say more than the first alone.
#include "io/checkpoint_validation.h"

#include <set>

#include "core/error.h"
#include "core/logging.h"
#include "io/tensor_registry.h"

namespace lightvl::io {
namespace {

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Checked first: with the fused layout every expert tensor would be "missing", and that message would
// send the user looking for a download problem instead of the save flag.
void refuse_v5_layout(const Checkpoint& checkpoint) {
  for (const std::string& name : checkpoint.names()) {
    if (contains(name, "mlp.experts.gate_up_proj") || contains(name, "mlp.experts.down_proj") ||
        starts_with(name, "model.language_model.") || starts_with(name, "model.vision_tower.")) {
      fail(ErrorCode::kUnsupported,
           checkpoint.file_of(name).string() + ": tensor \"" + name +
               "\" uses the transformers v5 in-memory layout (fused mlp.experts.gate_up_proj / down_proj, or "
               "model.language_model.* names), which lightvl does not read. Re-save the model with "
               "save_pretrained(..., save_original_format=True) to get the released per-expert names");
    }
  }
}

// A hint for the common way to get many tensors missing: text weights with a VL config or vice versa.
std::string prefix_hint(const Checkpoint& checkpoint, const ModelConfig& config, const std::string& missing) {
  const std::string prefix = "language_model.";
  if (config.is_vl() && starts_with(missing, prefix) && checkpoint.has(missing.substr(prefix.size()))) {
    return " The checkpoint has text-model names without \"language_model.\": these look like MiniMax-Text-01 "
           "weights with a MiniMax-VL-01 config.json.";
  }
  if (!config.is_vl() && checkpoint.has(prefix + missing)) {
    return " The checkpoint has names under \"language_model.\": these look like MiniMax-VL-01 weights with a "
           "text-only config.json.";
  }
  return "";
}

}  // namespace

ValidationReport validate_checkpoint(const Checkpoint& checkpoint, const ModelConfig& config) {
  refuse_v5_layout(checkpoint);
  const std::string dir = checkpoint.directory().string();
  ValidationReport report;
  std::set<std::string, std::less<>> expected_names;
  std::vector<const TensorSpec*> missing;
  const std::vector<TensorSpec> specs = expected_tensors(config);

  for (const TensorSpec& spec : specs) {
    expected_names.insert(spec.name);
    if (!checkpoint.has(spec.name)) {
      if (spec.required) missing.push_back(&spec);
      continue;
    }
    const TensorInfo& info = checkpoint.info(spec.name);
    const std::string where = checkpoint.file_of(spec.name).string() + ": tensor \"" + spec.name + "\"";
    if (!is_float_weight(info.dtype)) {
      fail(ErrorCode::kBadModel, where + " has dtype " + dtype_name(info.dtype) +
                                     ", expected f32, f16 or bf16; convert the checkpoint to bf16 (quantised "
                                     "checkpoints are not supported)");
    }
    if (info.shape != spec.shape) {
      fail(ErrorCode::kBadModel, where + " has shape " + shape_string(info.shape) + ", expected " +
                                     shape_string(spec.shape) + " from " + config.source +
                                     "; check that config.json belongs to these weights");
    }
    ++report.checked;
    report.parameters += info.numel;
  }

  if (!missing.empty()) {
    const std::string& first = missing.front()->name;
    std::string message = dir + ": tensor \"" + first + "\" is missing from the checkpoint";
    if (missing.size() > 1) {
      message += " (" + std::to_string(missing.size()) + " of " + std::to_string(specs.size()) +
                 " expected tensors are missing; the last is \"" + missing.back()->name + "\")";
    }
    message += "; check that config.json belongs to these weights and that every shard downloaded." +
               prefix_hint(checkpoint, config, first);
    fail(ErrorCode::kNotFound, message);
  }

  for (const std::string& name : checkpoint.names()) {
    if (expected_names.count(name)) continue;
    (is_derived_buffer(name) ? report.derived_buffers : report.unexpected).push_back(name);
  }
  if (!report.unexpected.empty()) {
    std::string list;
    const size_t shown = std::min<size_t>(report.unexpected.size(), 10);
    for (size_t i = 0; i < shown; ++i) list += (i ? ", " : "") + report.unexpected[i];
    if (shown < report.unexpected.size()) list += ", ... (" + std::to_string(report.unexpected.size()) + " in all)";
    log_warning(dir + ": ignoring " + std::to_string(report.unexpected.size()) +
                " tensor(s) the model does not use: " + list);
  }
  return report;
}

}  // namespace lightvl::io
