// Engine role: feed prompt tokens into a sequence's hybrid state, in chunks or one at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/tensor.h"
#include "text/backbone/hybrid_state.h"
#include "text/backbone/text_model.h"

namespace lightvl::engine {

// How prompt tokens are pushed through the state. Both give the same logits up to f32 rounding.
enum class FeedMode {
  kChunked,      // block-parallel prefill in chunks of `chunk_tokens`
  kTokenByToken  // the decode path: one token per forward pass
};

struct PrefillOptions {
  FeedMode mode = FeedMode::kChunked;
  int64_t chunk_tokens = 512;  // positions per forward pass in kChunked mode (bounds activation memory)
  bool all_logits = false;     // logits of every position, else only of the last
  // Called after each forward pass with (positions done, total); returning false cancels with
  // Error(kCancelled). The state then holds the positions done so far.
  std::function<bool(int64_t, int64_t)> progress;
};

// Embeddings that replace the token embeddings of a run of positions (an image's packed features).
struct EmbeddingRun {
  int64_t offset = 0;  // index into the fed ids of the first replaced position
  Tensor rows;         // [n, hidden] f32 or bf16, on any device (the image encoder's)
};

// Runs `ids` through `model` starting from `state` (which advances). Positions covered by `runs` (sorted,
// non-overlapping, inside ids) take the run's rows instead of their token embedding; embeddings are built
// one chunk at a time, so a long prompt never holds all of them. Returns logits [R, vocab] f32 with
// R = ids.size() when all_logits, else R = 1 (the last position). Throws Error(kInvalidArgument) for an
// empty prompt, ids outside the vocabulary or a run that does not fit (the state is unchanged then).
Tensor prefill(const text::TextModel& model, const std::vector<int32_t>& ids, text::HybridState& state,
               const PrefillOptions& options, const std::vector<EmbeddingRun>& runs = {});

}  // namespace lightvl::engine
