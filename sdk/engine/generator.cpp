// The decode loop. Each step samples from the current logits, then (next step) feeds the sampled token to
// get new logits: sampling first and feeding lazily means the last kept token is never run through the
// model unless someone continues the sequence (DecodeOutcome::unfed_token), saving a forward pass per
// answer. Stop conditions are checked in a fixed order (cancel, context, end/stop ids, stop strings) so
// the reported StopReason is deterministic. Text goes through the StopMatcher before it is streamed, so
// the concatenated stream equals the returned text exactly.
#include "engine/generator.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "engine/sampler.h"
#include "engine/stop_matcher.h"
#include "ops/device_memory.h"

namespace lightvl::engine {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

bool contains(const std::vector<int32_t>& v, int32_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

DecodeOutcome decode(const text::TextModel& model, text::HybridState& state, const float* first_logits,
                     const DecodeRequest& request) {
  const GenerationConfig& config = *request.config;
  Sampler sampler(config);
  StopMatcher stops(request.text ? config.stop_strings : std::vector<std::string>{});
  const int64_t vocab = model.spec().vocab_size;
  std::vector<float> logits(first_logits, first_logits + vocab);
  std::vector<int32_t> history = request.history;

  DecodeOutcome out;
  GenerationResult& r = out.result;
  r.stop_reason = StopReason::kMaxTokens;
  const Clock::time_point start = Clock::now();
  auto emit = [&](int32_t id, std::string text) {
    r.text += text;
    if (request.on_piece && *request.on_piece) return (*request.on_piece)(StreamPiece{id, std::move(text)});
    return true;
  };

  for (int32_t step = 0; step < config.max_tokens; ++step) {
    if (request.cancel && request.cancel->load()) {
      r.stop_reason = StopReason::kCancelled;
      break;
    }
    if (step > 0) {  // feed the previous token to get this step's logits
      const int32_t previous = out.unfed_token;
      Tensor hidden = model.forward(model.embed({previous}), state);
      Tensor host_row(DType::kF32, {1, vocab}, logits.data(), nullptr);
      ops::copy(model.logits(hidden), host_row);
      out.unfed_token = -1;
    }
    if (request.max_context > 0 && state.position() + 1 > request.max_context) {
      r.stop_reason = StopReason::kContextFull;
      break;
    }
    const int32_t id = sampler.sample(logits.data(), vocab, history);
    if (step == 0) r.stats.time_to_first_token = seconds_since(start);
    const bool is_end = contains(request.end_ids, id);
    if (is_end || contains(config.stop_ids, id)) {
      r.stop_reason = is_end ? StopReason::kEndOfSequence : StopReason::kStopId;
      if (config.include_stop_token) {
        r.ids.push_back(id);
        out.unfed_token = id;  // kept in the ids, not fed: the next turn feeds it if its prompt has it
      }
      break;
    }
    r.ids.push_back(id);
    history.push_back(id);
    out.unfed_token = id;
    bool stopped = false;
    const std::string piece = request.text ? stops.push(request.text->push(id), &stopped) : std::string();
    if (!emit(id, piece)) {
      r.stop_reason = StopReason::kCancelled;
      break;
    }
    if (stopped) {
      r.stop_reason = StopReason::kStopString;
      break;
    }
  }
  if (request.text && r.stop_reason != StopReason::kStopString) {
    bool stopped = false;
    std::string tail = stops.push(request.text->flush(), &stopped);
    if (stopped) r.stop_reason = StopReason::kStopString;
    tail += stopped ? std::string() : stops.flush();
    if (!tail.empty()) emit(-1, tail);
  }
  r.stats.generated_tokens = int64_t(r.ids.size());
  r.stats.decode_seconds = seconds_since(start) - r.stats.time_to_first_token;
  return out;
}

}  // namespace lightvl::engine
