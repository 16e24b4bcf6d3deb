#include "lightvl/session.h"

#include <cstring>

#include "engine/loaded_model.h"
#include "engine/prefill.h"
#include "io/npy.h"

namespace lightvl {

Session::Session(std::shared_ptr<const Model> model)
    : model_(std::move(model)),
      state_(std::make_unique<text::HybridState>(model_->loaded_->text->spec())) {}

Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

Logits Session::feed(const std::vector<int32_t>& ids, const FeedOptions& options) {
  engine::PrefillOptions p;
  p.mode = options.token_by_token ? engine::FeedMode::kTokenByToken : engine::FeedMode::kChunked;
  p.chunk_tokens = options.chunk_tokens;
  p.all_logits = options.all_logits;
  p.progress = options.progress;
  const Tensor t = engine::prefill(*model_->loaded_->text, ids, *state_, p);
  Logits out;
  out.rows = t.dim(0);
  out.vocab = t.dim(1);
  out.values.resize(size_t(t.numel()));
  std::memcpy(out.values.data(), t.raw(), t.nbytes());
  return out;
}

int64_t Session::position() const { return state_->position(); }

void Session::reset() { state_ = std::make_unique<text::HybridState>(model_->loaded_->text->spec()); }

Session Session::fork() const {
  Session copy(model_);
  *copy.state_ = state_->clone();
  return copy;
}

void save_npy(const std::string& path, const std::vector<float>& values, const std::vector<int64_t>& shape) {
  io::write_npy_f32(path, values.data(), shape);
}

}  // namespace lightvl
