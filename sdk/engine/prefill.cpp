// Prefill: ids are embedded and run through the model one chunk at a time, so activation memory is bounded
// by the chunk, not the prompt (a 1M-token document never holds 1M embeddings). Image rows replace their
// placeholder positions chunk by chunk. Ids are all checked before the state moves, so a bad id leaves the
// sequence untouched; a cancel or failure between chunks leaves it at the last whole chunk.
#include "engine/prefill.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "ops/device_memory.h"

namespace lightvl::engine {

namespace {

// Overwrites the rows of `embeddings` (positions [start, start + rows)) that some run covers.
void apply_runs(const std::vector<EmbeddingRun>& runs, int64_t start, Tensor& embeddings) {
  const int64_t end = start + embeddings.dim(0);
  for (const EmbeddingRun& run : runs) {
    const int64_t from = std::max(start, run.offset), to = std::min(end, run.offset + run.rows.dim(0));
    if (from >= to) continue;
    Tensor target = embeddings.slice_rows(from - start, to - start);
    Tensor rows = ops::to_device(run.rows.slice_rows(from - run.offset, to - run.offset), target.device());
    if (rows.dtype() == target.dtype()) {
      ops::copy(rows, target);
    } else {
      ops::convert(rows, target);  // image features into activations of another dtype
    }
  }
}

}  // namespace

Tensor prefill(const text::TextModel& model, const std::vector<int32_t>& ids, text::HybridState& state,
               const PrefillOptions& options, const std::vector<EmbeddingRun>& runs) {
  require(!ids.empty(), ErrorCode::kInvalidArgument, "the prompt is empty: pass at least one token");
  const int64_t total = int64_t(ids.size());
  const int64_t vocab = model.spec().vocab_size;
  for (size_t i = 0; i < ids.size(); ++i) {  // check every id before touching the state
    require(ids[i] >= 0 && ids[i] < vocab, ErrorCode::kInvalidArgument,
            "token id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                " is outside the vocabulary [0, " + std::to_string(vocab) + ")");
  }
  for (const EmbeddingRun& run : runs) {
    require(run.offset >= 0 && run.offset + run.rows.dim(0) <= total && run.rows.rank() == 2 &&
                run.rows.dim(1) == model.spec().hidden_size &&
                (run.rows.dtype() == DType::kF32 || run.rows.dtype() == DType::kBF16),
            ErrorCode::kInvalidArgument, "an image's embeddings do not fit the prompt positions reserved for it");
  }
  const int64_t chunk = options.mode == FeedMode::kTokenByToken ? 1 : std::max<int64_t>(1, options.chunk_tokens);
  Tensor logits = Tensor::zeros(DType::kF32, {options.all_logits ? total : 1, vocab});
  for (int64_t start = 0; start < total; start += chunk) {
    const int64_t end = std::min(total, start + chunk);
    const std::vector<int32_t> piece(ids.begin() + start, ids.begin() + end);
    Tensor embeddings = model.embed(piece);
    apply_runs(runs, start, embeddings);
    Tensor hidden = model.forward(embeddings, state);
    if (options.all_logits) {
      Tensor rows = logits.slice_rows(start, end);
      ops::copy(model.logits(hidden), rows);  // the logits come back to the host for sampling
    } else if (end == total) {
      ops::copy(model.logits(hidden.slice_rows(hidden.dim(0) - 1, hidden.dim(0))), logits);
    }
    if (options.progress && !options.progress(end, total)) {
      fail(ErrorCode::kCancelled, "prefill cancelled after " + std::to_string(end) + " of " +
                                      std::to_string(total) + " tokens");
    }
  }
  return logits;
}

}  // namespace lightvl::engine
