// Several sequences fed through the backbone together: their new positions are stacked row-wise in one
// activation tensor (sequence 0's rows first), so every projection and the MoE run once over all rows,
// while the attention layers use each sequence's own state and cache on its own rows.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"
#include "text/backbone/hybrid_state.h"

namespace lightvl::text {

struct SequenceBatch {
  std::vector<HybridState*> states;  // one per sequence (not owned; distinct)
  std::vector<int64_t> rows;         // new positions of each sequence, in order
  // Optional (decode graphs): the absolute position of every row, int64 [total rows] on the model's
  // device. When set, the softmax layers read the positions and the KV caches' fill levels from it when
  // the work runs, instead of baking in the states' host counters, so that the step can be recorded once
  // (ops/device_graph.h) and replayed at later positions. It must hold each sequence's next positions;
  // the host counters advance as usual.
  Tensor positions;

  int64_t total_rows() const {
    int64_t n = 0;
    for (int64_t r : rows) n += r;
    return n;
  }
};

}  // namespace lightvl::text
