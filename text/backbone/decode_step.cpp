#include "text/backbone/decode_step.h"

#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <optional>

#include "core/error.h"
#include "core/logging.h"
#include "ops/device_graph.h"
#include "ops/device_memory.h"
#include "text/backbone/sequence_batch.h"

namespace lightvl::text {
namespace {

// A recording dropped after fewer replays than this did not pay for itself.
constexpr int64_t kPayingReplays = 4;
constexpr int kMaxStepsBeforeRecording = 64;

bool graphs_disabled_by_environment() {
  const char* value = std::getenv("LIGHTVL_CUDA_GRAPHS");
  return value != nullptr && std::strcmp(value, "0") == 0;
}

// Everything a replay depends on: the states' buffers in order (their count included).
std::vector<uintptr_t> signature_of(const std::vector<HybridState*>& states) {
  std::vector<uintptr_t> signature;
  for (const HybridState* s : states) {
    const std::vector<uintptr_t> part = s->buffer_signature();
    signature.push_back(part.size());
    signature.insert(signature.end(), part.begin(), part.end());
  }
  return signature;
}

SequenceBatch one_row_each(const std::vector<HybridState*>& states) {
  return SequenceBatch{states, std::vector<int64_t>(states.size(), 1), Tensor()};
}

}  // namespace

struct DecodeStep::Recorded {
  std::vector<uintptr_t> signature;
  Tensor input;      // [S, hidden] embeddings of the step's tokens
  Tensor positions;  // [S] int64: each sequence's new position
  Tensor logits;     // [S, vocab] f32, rewritten by each replay
  std::optional<ops::DeviceGraph> graph;
  int64_t replays = 0;
};

DecodeStep::DecodeStep(const TextModel& model) : model_(&model) {
  stats_.graphs = ops::DeviceGraph::available(model.device()) && !graphs_disabled_by_environment();
}

Tensor DecodeStep::run(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states) {
  require(!states.empty() && tokens.size() == states.size(), ErrorCode::kInvalidArgument,
          "decode step: one token per sequence expected (" + std::to_string(tokens.size()) + " tokens, " +
              std::to_string(states.size()) + " sequences)");
  for (HybridState* s : states) s->reserve(1);  // may move a KV cache: then the signature changes
  if (!stats_.graphs) return eager(tokens, states);
  std::vector<uintptr_t> signature = signature_of(states);
  if (recorded_ && recorded_->signature == signature) return replay(tokens, states);
  if (signature == last_signature_) {
    ++repeats_;
  } else {
    last_signature_ = std::move(signature);
    repeats_ = 1;
  }
  if (repeats_ < stats_.steps_before_recording) return eager(tokens, states);
  return record(tokens, states);
}

void DecodeStep::learn_from(const Recorded& dropped) {
  int& threshold = stats_.steps_before_recording;
  if (dropped.replays < kPayingReplays) {
    threshold = std::min(2 * threshold, kMaxStepsBeforeRecording);
  } else {
    threshold = std::max(threshold / 2, 2);
  }
}

Tensor DecodeStep::eager(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states) {
  ++stats_.eager_steps;
  return model_->logits(model_->forward_batch(model_->embed(tokens), one_row_each(states)));
}

void DecodeStep::stage_inputs(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states,
                              Recorded& r) const {
  model_->embed_into(tokens, r.input);
  Tensor positions = Tensor::zeros(DType::kI64, {int64_t(states.size())});
  for (size_t s = 0; s < states.size(); ++s) positions.data<int64_t>()[s] = states[s]->position();
  ops::copy(positions, r.positions);
}

Tensor DecodeStep::record(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states) {
  const Device device = model_->device();
  auto r = std::make_shared<Recorded>();
  r->signature = last_signature_;
  r->input = ops::empty(model_->activation_dtype(), {int64_t(states.size()), model_->spec().hidden_size}, device);
  r->positions = ops::empty(DType::kI64, {int64_t(states.size())}, device);
  stage_inputs(tokens, states, *r);

  std::vector<HybridState::Counters> before;
  for (const HybridState* s : states) before.push_back(s->counters());
  SequenceBatch batch = one_row_each(states);
  batch.positions = r->positions;
  try {  // the host code runs now (advancing the counters); the device work runs at launch()
    r->graph.emplace(device, [&] { r->logits = model_->logits(model_->forward_batch(r->input, batch)); });
  } catch (const Error& e) {
    for (size_t s = 0; s < states.size(); ++s) states[s]->set_counters(before[s]);
    if (e.code() != ErrorCode::kUnsupported && e.code() != ErrorCode::kInternal) throw;
    log_info(std::string("decoding without CUDA graphs: ") + e.what());
    stats_.graphs = false;
    return eager(tokens, states);
  }
  r->graph->launch();
  if (recorded_) learn_from(*recorded_);
  recorded_ = std::move(r);
  ++stats_.recordings;
  return recorded_->logits;
}

Tensor DecodeStep::replay(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states) {
  stage_inputs(tokens, states, *recorded_);
  recorded_->graph->launch();
  for (HybridState* s : states) s->advance_counters(1);
  ++recorded_->replays;
  ++stats_.replays;
  return recorded_->logits;
}

}  // namespace lightvl::text
