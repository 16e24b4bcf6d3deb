// The public Model: loads through engine::LoadedModel, reports loading progress (stages, then bytes when
// prefetching), and answers questions about the model (info, memory needs, image layouts) without
// running it. The memory budget defaults to the memory available at load time, read once.
#include "lightvl/model.h"

#include <unistd.h>

#include "engine/conversation.h"
#include "engine/loaded_model.h"
#include "lightvl/message.h"
#include "engine/memory_estimate.h"
#include "core/error.h"
#include "ops/devices.h"
#include "ops/threads.h"

#include <algorithm>

namespace lightvl {
namespace {

ModelInfo describe(const engine::LoadedModel& m, const std::string& dir) {
  const io::TextConfig& t = m.config.text;
  ModelInfo info;
  info.directory = dir;
  info.model_type = m.config.model_type;
  info.config_form = io::config_form_name(t.form);
  info.checkpoint_layout = io::checkpoint_layout_name(m.checkpoint.layout());
  info.has_vision = m.config.is_vl();
  info.vocab_size = t.vocab_size;
  info.hidden_size = t.hidden_size;
  info.num_layers = t.num_hidden_layers;
  info.num_heads = t.num_attention_heads;
  info.num_kv_heads = t.num_key_value_heads;
  info.head_dim = t.head_dim;
  info.rotary_dim = t.rotary_dim;
  info.rope_theta = t.rope_theta;
  info.num_experts = t.num_local_experts;
  info.experts_per_token = t.num_experts_per_tok;
  info.intermediate_size = t.intermediate_size;
  for (io::AttentionKind k : t.layer_kinds) info.layer_kinds.push_back(io::attention_kind_name(k));
  info.parameters = m.validation.parameters;  // the model's own tensors (derived buffers excluded)
  for (const io::DTypeTotal& d : m.checkpoint.totals_by_dtype()) {
    info.bytes_by_dtype.push_back({dtype_name(d.dtype), d.tensors, d.parameters, d.bytes});
  }
  info.ignored_tensors = m.validation.derived_buffers;
  info.ignored_tensors.insert(info.ignored_tensors.end(), m.validation.unexpected.begin(), m.validation.unexpected.end());
  info.context_length = m.context_length;
  info.backend = m.text->device() == Device::kCuda ? "cuda" : "cpu";
  info.weight_format = text::weight_format_name(m.weight_format);
  info.has_tokenizer = m.tokenizer.has_value();
  info.chat_template = m.chat_template ? m.chat_template->description() : "";
  info.end_ids = m.end_ids;
  info.image_token_id = m.image_token_id;
  return info;
}

uint64_t available_memory() {
  const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : 0;
}

}  // namespace

std::shared_ptr<const Model> Model::load(const std::string& dir, const LoadOptions& options) {
  ops::set_cpu_threads(options.cpu_threads);
  std::shared_ptr<Model> model(new Model());
  // Progress: the stages of loading take the first 70% (or all of it without prefetch), reading the
  // weights the rest. The callback's "stop" becomes Error(kCancelled), which unwinds whatever was opened.
  const float stage_share = options.prefetch_weights ? 1.0f : 1.0f / 0.7f;
  auto report = [&](float fraction, const std::string& stage) {
    if (options.progress && !options.progress(std::min(1.0f, fraction), stage)) {
      fail(ErrorCode::kCancelled, "loading '" + dir + "' was cancelled");
    }
  };
  const Device device = options.backend == Backend::kCuda ? Device::kCuda : Device::kCpu;
  if (device == Device::kCuda) {
    require(ops::cuda_built(), ErrorCode::kUnsupported,
            "the CUDA backend was requested but this build has none; rebuild with -DLIGHTVL_CUDA=ON");
    require(!ops::gpu_devices().empty(), ErrorCode::kUnsupported,
            "the CUDA backend was requested but no GPU is visible (" + ops::cuda_versions() + ")");
  }
  model->loaded_ = std::make_unique<engine::LoadedModel>(
      dir, options.context_length, [&](float f, const char* stage) { report(f * stage_share, stage); }, device,
      device == Device::kCuda && options.cuda_bf16 ? DType::kBF16 : DType::kF32,
      options.weights == WeightFormat::kInt8 ? text::WeightFormat::kInt8 : text::WeightFormat::kCheckpoint);
  if (options.prefetch_weights) {
    model->loaded_->prefetch([&](uint64_t done, uint64_t total) {
      report(0.7f + 0.3f * float(double(done) / double(std::max<uint64_t>(total, 1))), "weights");
    });
  }
  model->memory_budget_ = options.memory_budget_bytes ? options.memory_budget_bytes : available_memory();
  model->info_ = describe(*model->loaded_, dir);
  return model;
}

Model::~Model() = default;

MemoryNeeds Model::memory_for_context(int64_t context_tokens, int kv_element_bytes) const {
  const engine::MemoryEstimate e =
      engine::estimate_memory(loaded_->text->spec(), loaded_->weight_bytes, context_tokens, kv_element_bytes, 512);
  return {context_tokens, e.weight_bytes, e.lightning_state_bytes, e.kv_cache_bytes, e.activation_bytes, e.total()};
}

}  // namespace lightvl

namespace lightvl {

Image Model::prepare_image(const Image& image) const {
  Image out;
  out.source = Image::Source::kPrepared;
  out.name = image.name;
  auto data = std::make_shared<PreparedImageData>();
  data->image = engine::load_image(*loaded_, image);
  out.width = data->image.plan.image_width;
  out.height = data->image.plan.image_height;
  out.prepared = std::move(data);
  return out;
}

ImageLayout Model::image_layout(const std::string& image_path) const {
  const vision::PreprocessedImage image = engine::load_image(*loaded_, Image::from_file(image_path));
  const vision::AnyresPlan& p = image.plan;
  return ImageLayout{p.image_width, p.image_height, int(p.grid.width), int(p.grid.height), p.tiles_x,  p.tiles_y,
                     p.kept_cols(), p.kept_rows(), p.num_tokens};
}

}  // namespace lightvl
