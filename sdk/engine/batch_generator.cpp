// Continuous batching. Each entry owns a ChatSession (its state and conversation), the pending turn of its
// request and the SequenceDecoder that samples it; the entry is heap-allocated because the decoder's
// request points at the entry's config and callback. A step asks every decoder for its next token
// (sampling from the logits of the previous step), retires the finished ones, then feeds the others'
// tokens together and hands each its row of logits (or, when every decoder is greedy without penalties,
// its argmax computed on the model's device).
#include "engine/batch_generator.h"

#include <algorithm>

#include "ops/argmax.h"
#include "ops/device_memory.h"

namespace lightvl::engine {

struct BatchGenerator::Entry {
  int64_t id = 0;
  GenerationConfig config;
  StreamCallback on_piece;
  TurnOptions options;
  std::unique_ptr<ChatSession> session;
  std::unique_ptr<PendingTurn> turn;
  std::unique_ptr<SequenceDecoder> decoder;
};

BatchGenerator::BatchGenerator(const LoadedModel& model) : model_(&model), decode_step_(*model.text) {}
BatchGenerator::~BatchGenerator() = default;

int64_t BatchGenerator::add(const std::vector<Message>& messages, const GenerationConfig& config,
                            StreamCallback on_piece) {
  auto e = std::make_unique<Entry>();
  e->config = config;
  e->on_piece = std::move(on_piece);
  e->options.config = &e->config;
  e->options.on_piece = &e->on_piece;
  e->session = std::make_unique<ChatSession>(*model_);
  e->turn = e->session->begin_chat(messages, e->options);
  e->decoder = std::make_unique<SequenceDecoder>(e->turn->request, model_->text->spec().vocab_size,
                                                 e->turn->first_logits.data<float>(), e->session->state().position());
  e->id = next_id_++;
  entries_.push_back(std::move(e));
  return entries_.back()->id;
}

std::vector<std::pair<int64_t, GenerationResult>> BatchGenerator::step() {
  std::vector<std::pair<int64_t, GenerationResult>> finished;
  std::vector<std::unique_ptr<Entry>> going;
  std::vector<int32_t> tokens;
  std::vector<text::HybridState*> states;
  for (std::unique_ptr<Entry>& e : entries_) {
    if (!e->decoder->next()) {
      finished.emplace_back(e->id, e->session->end_turn(*e->turn, e->decoder->finish()));
      continue;
    }
    tokens.push_back(e->decoder->pending_token());
    states.push_back(&e->session->state());
    going.push_back(std::move(e));
  }
  entries_ = std::move(going);
  if (entries_.empty()) return finished;

  const int64_t vocab = model_->text->spec().vocab_size;
  const Tensor logits = decode_step_.run(tokens, states);
  const bool argmax_only = std::all_of(entries_.begin(), entries_.end(),
                                       [](const std::unique_ptr<Entry>& e) { return e->decoder->argmax_suffices(); });
  if (argmax_only) {  // all greedy: one id per sequence leaves the device, not a row of logits
    const std::vector<int32_t> ids = ops::argmax_rows(logits);
    for (size_t i = 0; i < entries_.size(); ++i) {
      entries_[i]->decoder->fed();
      entries_[i]->decoder->choose(ids[i]);
    }
    return finished;
  }
  Tensor host = Tensor::zeros(DType::kF32, {int64_t(entries_.size()), vocab});
  ops::copy(logits, host);
  for (size_t i = 0; i < entries_.size(); ++i) {
    std::copy(host.data<float>() + int64_t(i) * vocab, host.data<float>() + int64_t(i + 1) * vocab,
              entries_[i]->decoder->logits());
    entries_[i]->decoder->fed();
  }
  return finished;
}

}  // namespace lightvl::engine
