// Engine role: the decode loop. Samples, streams and stops; feeds each kept token back through the state.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "lightvl/generation.h"
#include "text/backbone/decode_step.h"
#include "text/backbone/hybrid_state.h"
#include "text/backbone/text_model.h"

namespace lightvl::engine {

// Incremental detokenization, implemented over the tokenizer by the caller: push(id) returns the UTF-8
// text that became final with `id` (possibly empty), flush() what is left at the end.
class TextStream {
 public:
  virtual ~TextStream() = default;
  virtual std::string push(int32_t id) = 0;
  virtual std::string flush() = 0;
};

struct DecodeRequest {
  const GenerationConfig* config = nullptr;
  std::vector<int32_t> end_ids;           // the model's end-of-sequence ids (always stop)
  std::vector<int32_t> history;           // recent ids for the penalties (the prompt tail)
  int64_t max_context = 0;                // stop with kContextFull at this many positions; 0 = no limit
  TextStream* text = nullptr;             // may be null: no text, no stop strings
  const StreamCallback* on_piece = nullptr;         // may be null
  const std::atomic<bool>* cancel = nullptr;        // may be null; polled before each token
};

struct DecodeOutcome {
  GenerationResult result;
  // The last kept token, sampled but not yet fed through the state (feeding it would cost a forward pass
  // nobody may need); the caller feeds it before anything else. −1 when none.
  int32_t unfed_token = -1;
};

// Sampling, stopping and streaming for one sequence, one token at a time; the caller runs the model.
// Protocol: construct with the logits after the prompt; then repeatedly call next(): it samples from the
// current logits and returns true when the sequence goes on, with the token to feed in pending_token();
// the caller feeds it (alone, or batched with other sequences) and writes the new logits to logits().
// When next() returns false, finish() gives the outcome (the last kept token is never fed: unfed_token).
class SequenceDecoder {
 public:
  // Throws Error(kInvalidArgument) for an invalid config. `request` must outlive the decoder.
  SequenceDecoder(const DecodeRequest& request, int64_t vocab, const float* first_logits, int64_t position);
  ~SequenceDecoder();
  SequenceDecoder(SequenceDecoder&&) noexcept;

  bool next();
  int32_t pending_token() const { return pending_; }
  float* logits() { return logits_.data(); }
  // True when the next choice is the argmax of the logits (greedy without penalties): the caller may
  // then pass that argmax to choose() instead of filling logits().
  bool argmax_suffices() const;
  // The argmax of the new logits, computed by the caller (ops::argmax_rows): the next call of next() takes
  // it instead of sampling. Call only when argmax_suffices(), after feeding pending_token().
  void choose(int32_t id) { chosen_ = id; }
  // Call after feeding pending_token(): the sequence is one position longer.
  void fed() { ++position_; pending_ = -1; }
  DecodeOutcome finish();

 private:
  bool emit(int32_t id, std::string text);

  const DecodeRequest* request_;
  int64_t vocab_;
  int64_t position_;
  std::vector<float> logits_;
  std::vector<int32_t> history_;
  std::unique_ptr<class Sampler> sampler_;
  std::unique_ptr<class StopMatcher> stops_;
  DecodeOutcome out_;
  int32_t pending_ = -1;
  int32_t chosen_ = -1;  // set by choose(), taken by next()
  int32_t steps_ = 0;
  bool done_ = false;
  std::chrono::steady_clock::time_point start_;
};

// Generates from `first_logits` (the logits after the prompt, [vocab] f32), continuing `state` one
// token at a time through `step` (which replays a recorded CUDA graph where it can; keep one per
// session so that its recording carries over between turns).
// Throws Error(kInvalidArgument) for an invalid config; other errors propagate with the state at the
// last fed position.
DecodeOutcome decode(text::DecodeStep& step, text::HybridState& state, const float* first_logits,
                     const DecodeRequest& request);

}  // namespace lightvl::engine
