// Engine role: continuous batching over independent conversations. A request is prefilled on its own (its
// prompt may be long and image-heavy), then joins the decode batch; every step feeds all active
// sequences' pending tokens through one batched forward pass (TextModel::forward_batch); a finished
// sequence leaves at once, so the caller can add the next request in its place.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "engine/chat_session.h"
#include "engine/generator.h"
#include "engine/loaded_model.h"

namespace lightvl::engine {

class BatchGenerator {
 public:
  // `model` must outlive the generator.
  explicit BatchGenerator(const LoadedModel& model);
  ~BatchGenerator();

  // Prefills a new conversation of `messages` (its own session and state) and adds it to the batch.
  // Returns its id (increasing from 0). Throws what ChatSession::chat throws (bad attachments, a prompt
  // over the context or the memory budget); the batch is then unchanged.
  int64_t add(const std::vector<Message>& messages, const GenerationConfig& config, StreamCallback on_piece);

  // One decode step for every active sequence. Returns (id, result) of the sequences that finished in this
  // step (in the order they were added). Results equal what Session::chat gives for the same request.
  std::vector<std::pair<int64_t, GenerationResult>> step();

  size_t active() const { return entries_.size(); }

 private:
  struct Entry;
  const LoadedModel* model_;
  text::DecodeStep decode_step_;  // one step for all active sequences, replayed while the set is unchanged
  int64_t next_id_ = 0;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace lightvl::engine
