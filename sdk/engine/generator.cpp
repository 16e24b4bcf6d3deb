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
#include "ops/argmax.h"
#include "ops/device_memory.h"

namespace lightvl::engine {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

bool contains(const std::vector<int32_t>& v, int32_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

SequenceDecoder::SequenceDecoder(const DecodeRequest& request, int64_t vocab, const float* first_logits,
                                 int64_t position)
    : request_(&request),
      vocab_(vocab),
      position_(position),
      logits_(first_logits, first_logits + vocab),
      history_(request.history),
      sampler_(std::make_unique<Sampler>(*request.config)),
      stops_(std::make_unique<StopMatcher>(request.text ? request.config->stop_strings : std::vector<std::string>{})),
      start_(Clock::now()) {
  out_.result.stop_reason = StopReason::kMaxTokens;
}

SequenceDecoder::~SequenceDecoder() = default;
SequenceDecoder::SequenceDecoder(SequenceDecoder&&) noexcept = default;

bool SequenceDecoder::emit(int32_t id, std::string text) {
  out_.result.text += text;
  const StreamCallback* cb = request_->on_piece;
  return !(cb && *cb) || (*cb)(StreamPiece{id, std::move(text)});
}

bool SequenceDecoder::next() {
  if (done_) return false;
  const GenerationConfig& config = *request_->config;
  GenerationResult& r = out_.result;
  auto stop = [&](StopReason reason) {
    r.stop_reason = reason;
    done_ = true;
    return false;
  };
  if (steps_ >= config.max_tokens) return stop(StopReason::kMaxTokens);
  if (request_->cancel && request_->cancel->load()) return stop(StopReason::kCancelled);
  if (request_->max_context > 0 && position_ + 1 > request_->max_context) return stop(StopReason::kContextFull);
  const int32_t id = chosen_ >= 0 ? chosen_ : sampler_->sample(logits_.data(), vocab_, history_);
  chosen_ = -1;
  if (steps_++ == 0) r.stats.time_to_first_token = seconds_since(start_);
  out_.unfed_token = -1;  // the previous pending token has been fed by now
  const bool is_end = contains(request_->end_ids, id);
  if (is_end || contains(config.stop_ids, id)) {
    if (config.include_stop_token) {
      r.ids.push_back(id);
      out_.unfed_token = id;  // kept in the ids, not fed: the next turn feeds it if its prompt has it
    }
    return stop(is_end ? StopReason::kEndOfSequence : StopReason::kStopId);
  }
  r.ids.push_back(id);
  history_.push_back(id);
  out_.unfed_token = id;
  bool stopped = false;
  const std::string piece = request_->text ? stops_->push(request_->text->push(id), &stopped) : std::string();
  if (!emit(id, piece)) return stop(StopReason::kCancelled);
  if (stopped) return stop(StopReason::kStopString);
  if (steps_ >= config.max_tokens) return stop(StopReason::kMaxTokens);  // no forward pass for a token nobody reads
  pending_ = id;
  return true;
}

bool SequenceDecoder::argmax_suffices() const { return sampler_->picks_argmax(); }

DecodeOutcome SequenceDecoder::finish() {
  GenerationResult& r = out_.result;
  if (request_->text && r.stop_reason != StopReason::kStopString) {
    bool stopped = false;
    std::string tail = stops_->push(request_->text->flush(), &stopped);
    if (stopped) r.stop_reason = StopReason::kStopString;
    tail += stopped ? std::string() : stops_->flush();
    if (!tail.empty()) emit(-1, tail);
  }
  r.stats.generated_tokens = int64_t(r.ids.size());
  r.stats.decode_seconds = seconds_since(start_) - r.stats.time_to_first_token;
  return std::move(out_);
}

DecodeOutcome decode(text::DecodeStep& step, text::HybridState& state, const float* first_logits,
                     const DecodeRequest& request) {
  const int64_t vocab = step.model().spec().vocab_size;
  SequenceDecoder decoder(request, vocab, first_logits, state.position());
  while (decoder.next()) {
    const Tensor logits = step.run({decoder.pending_token()}, {&state});
    if (decoder.argmax_suffices()) {  // greedy: only the chosen id leaves the device
      decoder.choose(ops::argmax_rows(logits)[0]);
    } else {
      Tensor host_row(DType::kF32, {1, vocab}, decoder.logits(), nullptr);
      ops::copy(logits, host_row);
    }
    decoder.fed();
  }
  return decoder.finish();
}

}  // namespace lightvl::engine
