// The public Session: a thin, exception-transparent wrapper over engine::ChatSession that owns the
// cancel flag (heap-allocated so a Session stays movable while another thread may hold the flag's
// address through cancel()).
#include "lightvl/session.h"

#include <cstring>

#include "engine/chat_session.h"
#include "engine/loaded_model.h"
#include "io/npy.h"

namespace lightvl {
namespace {

Logits to_logits(const Tensor& t) {
  Logits out;
  out.rows = t.dim(0);
  out.vocab = t.dim(1);
  out.values.resize(size_t(t.numel()));
  std::memcpy(out.values.data(), t.raw(), t.nbytes());
  return out;
}

}  // namespace

Session::Session(std::shared_ptr<const Model> model)
    : model_(std::move(model)),
      chat_(std::make_unique<engine::ChatSession>(*model_->loaded_)),
      cancel_(std::make_unique<std::atomic<bool>>(false)) {}

Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

engine::TurnOptions Session::turn_options(const GenerationConfig& config, const TurnSettings& settings) {
  cancel_->store(false);  // a cancel() aimed at an earlier call must not stop this one
  engine::TurnOptions o;
  o.config = &config;
  o.on_piece = &settings.on_piece;
  o.cancel = cancel_.get();
  o.on_prefill = [this, &settings](int64_t done, int64_t total) {
    return !cancel_->load() && (!settings.on_prefill || settings.on_prefill(done, total));
  };
  o.chunk_tokens = settings.chunk_tokens;
  o.memory_budget = model_->memory_budget_;
  return o;
}

GenerationResult Session::chat(const std::vector<Message>& messages, const GenerationConfig& config,
                               const TurnSettings& settings) {
  return chat_->chat(messages, turn_options(config, settings));
}

GenerationResult Session::generate_ids(const std::vector<int32_t>& ids, const GenerationConfig& config,
                                       const TurnSettings& settings, const std::vector<Image>& images) {
  return chat_->continue_ids(ids, images, turn_options(config, settings));
}

Logits Session::feed(const std::vector<int32_t>& ids, const FeedOptions& options, const std::vector<Image>& images) {
  engine::PrefillOptions p;
  p.mode = options.token_by_token ? engine::FeedMode::kTokenByToken : engine::FeedMode::kChunked;
  p.chunk_tokens = options.chunk_tokens;
  p.all_logits = options.all_logits;
  p.progress = options.progress;
  return to_logits(chat_->feed(ids, images, p));
}

int64_t Session::count_tokens(const std::vector<Message>& messages) const { return chat_->count_tokens(messages); }
int64_t Session::context_length() const { return chat_->context_length(); }
void Session::cancel() { cancel_->store(true); }
int64_t Session::position() const { return chat_->position(); }
void Session::reset() { chat_->reset(); }

Session Session::fork() const {
  Session copy(model_);
  *copy.chat_ = chat_->fork();
  return copy;
}

void save_npy(const std::string& path, const std::vector<float>& values, const std::vector<int64_t>& shape) {
  io::write_npy_f32(path, values.data(), shape);
}

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::kMaxTokens: return "max_tokens";
    case StopReason::kEndOfSequence: return "eos";
    case StopReason::kStopId: return "stop_id";
    case StopReason::kStopString: return "stop_string";
    case StopReason::kCancelled: return "cancelled";
    case StopReason::kContextFull: return "context_full";
  }
  return "unknown";
}

}  // namespace lightvl
