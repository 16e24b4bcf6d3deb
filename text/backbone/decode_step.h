// One decode step: a new token for each of several sequences, through the backbone to logits, replayed
// from a recorded CUDA graph whenever it can be.
//
// A decode step of the full-width model launches a few hundred kernels, many shorter than the host needs
// to launch them; replaying the step as one graph removes those gaps. A recording is tied to the device
// buffers of the states it was made for (their signature: lightning states and KV caches, which move
// when a cache grows) and to the number of sequences; the positions and KV fill levels are read on the
// device (SequenceBatch::positions), so one recording serves every later step until a cache grows or the
// set of sequences changes. A signature is recorded once it has been seen on `steps_before_recording`
// steps in a row (2 at first), and later ones are replays. Recording costs about as much as a few eager
// steps, so the threshold adapts: it doubles (up to 64) each time a recording is dropped after fewer
// than 4 replays (continuous batching, where sequences join and leave every few steps) and halves again
// after a recording that paid off. When the model's step cannot be recorded (e.g. int8 experts route on
// the host), the object stays eager from then on.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "text/backbone/hybrid_state.h"
#include "text/backbone/text_model.h"

namespace lightvl::text {

class DecodeStep {
 public:
  // `model` must outlive the object. Graphs are used when the model is on a CUDA device, unless the
  // environment variable LIGHTVL_CUDA_GRAPHS is "0" (for debugging and for measuring their effect).
  explicit DecodeStep(const TextModel& model);

  const TextModel& model() const { return *model_; }

  // Feeds tokens[s] to states[s] (one new position each; distinct states on the model's device), advances
  // them by one, and returns the logits [S, vocab] f32 on the model's device. The tensor may be the
  // recording's output buffer: read it before the next run() of this object. Throws what
  // TextModel::forward_batch() and logits() throw; the states are then as they were, unless the device
  // failed mid-step.
  Tensor run(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states);

  struct Stats {
    bool graphs = false;     // recording is on (CUDA device, not disabled, not given up)
    int64_t eager_steps = 0;  // steps run kernel by kernel
    int64_t recordings = 0;   // graphs recorded (each also ran its step)
    int64_t replays = 0;      // steps run as a replay of a recorded graph
    int steps_before_recording = 2;  // the current threshold (see the header comment)
  };
  Stats stats() const { return stats_; }

 private:
  struct Recorded;
  Tensor eager(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states);
  Tensor record(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states);
  Tensor replay(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states);
  // Writes this step's embeddings and row positions into the recording's input buffers.
  void stage_inputs(const std::vector<int32_t>& tokens, const std::vector<HybridState*>& states, Recorded& r) const;

  const TextModel* model_;
  Stats stats_;
  // Adapts stats_.steps_before_recording to how many replays the recording being dropped had.
  void learn_from(const Recorded& dropped);

  std::vector<uintptr_t> last_signature_;  // of the previous step
  int repeats_ = 0;                        // steps in a row with last_signature_
  std::shared_ptr<Recorded> recorded_;
};

}  // namespace lightvl::text
