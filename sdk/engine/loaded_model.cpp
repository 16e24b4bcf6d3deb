#include "engine/loaded_model.h"

#include <algorithm>

#include "core/error.h"
#include "core/logging.h"

namespace lightvl::engine {
namespace {

std::filesystem::path existing_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  require(std::filesystem::is_directory(dir, ec), ErrorCode::kNotFound,
          "model directory '" + dir.string() + "' does not exist or is not a directory; pass the folder that "
          "holds config.json and the *.safetensors files");
  return dir;
}

void add_unique(std::vector<int32_t>& ids, int64_t id) {
  if (id >= 0 && std::find(ids.begin(), ids.end(), int32_t(id)) == ids.end()) ids.push_back(int32_t(id));
}

text::ChatTemplate pick_template(const io::ModelConfig& config, const text::Tokenizer& tokenizer) {
  const std::string& source = tokenizer.config().chat_template;
  if (!source.empty()) {
    text::ChatTemplate t = text::ChatTemplate::from_source(source);
    if (t.is_known()) return t;
    log_warning(t.description());
    return t;
  }
  return text::ChatTemplate::of_format(config.is_vl() ? text::ChatFormat::kMiniMaxVL01 : text::ChatFormat::kMiniMaxText01);
}

}  // namespace

namespace {
// Runs `step` after `make`, so stages can be reported from a constructor's member-initialiser list.
template <typename T, typename Make>
T staged(Make&& make, const LoadedModel::StageCallback& on_stage, float fraction, const char* stage) {
  T value = make();
  if (on_stage) on_stage(fraction, stage);
  return value;
}
}  // namespace

LoadedModel::LoadedModel(const std::filesystem::path& dir, int64_t context_override, const StageCallback& on_stage,
                         Device device, DType activation, text::WeightFormat weights)
    : directory(dir),
      config(staged<io::ModelConfig>([&] { return io::load_model_config(existing_directory(dir)); }, on_stage, 0.05f,
                                     "config")),
      checkpoint(staged<io::Checkpoint>([&] { return io::Checkpoint(dir); }, on_stage, 0.15f, "checkpoint")),
      validation(staged<io::ValidationReport>([&] { return io::validate_checkpoint(checkpoint, config); }, on_stage,
                                              0.3f, "validation")),
      text(staged<std::unique_ptr<text::TextModel>>(
          [&] { return std::make_unique<text::TextModel>(checkpoint, config, device, activation, weights); }, on_stage, 0.5f,
          "text model")),
      weight_format(weights) {
  // Checkpoint bytes, with the backbone's share replaced by what it takes as placed.
  for (const io::DTypeTotal& d : checkpoint.totals_by_dtype()) weight_bytes += d.bytes;
  weight_bytes -= text::held_weight_bytes(text::load_backbone_weights(checkpoint, config, text->spec()));
  weight_bytes += text::held_weight_bytes(text->weights());
  std::error_code ec;
  if (std::filesystem::exists(dir / "tokenizer.json", ec)) {
    tokenizer = text::Tokenizer::from_directory(dir);
    chat_template = pick_template(config, *tokenizer);
    if (tokenizer->special_ids().eos) add_unique(end_ids, *tokenizer->special_ids().eos);
    if (auto id = tokenizer->token_to_id("<end_of_sentence>")) add_unique(end_ids, *id);
  }
  for (int64_t id : config.text.eos_token_ids) add_unique(end_ids, id);
  if (on_stage) on_stage(0.6f, "tokenizer");
  if (config.is_vl()) {
    preprocess = vision::load_preprocess_config(dir);
    // On the text model's device and in its activation dtype, so image features never leave the GPU.
    image_encoder = std::make_unique<vision::ImageEncoder>(checkpoint, config, device, activation);
    image_token_id = int32_t(config.vl->image_token_index);
  }
  if (on_stage) on_stage(0.7f, "vision");
  context_length = context_override > 0 ? context_override : config.text.max_position_embeddings;
}

void LoadedModel::prefetch(const std::function<void(uint64_t, uint64_t)>& on_bytes) const {
  const std::vector<std::string> names = checkpoint.names();
  uint64_t total = 0, done = 0;
  for (const std::string& name : names) total += checkpoint.get(name).nbytes();
  constexpr size_t kPage = 4096;
  for (const std::string& name : names) {
    const Tensor t = checkpoint.get(name);
    const volatile unsigned char* bytes = static_cast<const unsigned char*>(t.raw());
    unsigned char sink = 0;
    for (size_t i = 0; i < t.nbytes(); i += kPage) sink ^= bytes[i];  // touch one byte per page
    (void)sink;
    done += t.nbytes();
    if (on_bytes) on_bytes(done, total);
  }
}

const text::Tokenizer& LoadedModel::require_tokenizer() const {
  require(tokenizer.has_value(), ErrorCode::kUnsupported,
          "model directory '" + directory.string() + "' has no tokenizer.json, so it cannot take text prompts; "
          "pass token ids instead, or add the checkpoint's tokenizer files");
  return *tokenizer;
}

}  // namespace lightvl::engine
