// Engine role: how much memory a model needs for a given context length (before anything is allocated).
#pragma once

#include <cstdint>

#include "text/backbone/backbone_spec.h"

namespace lightvl::engine {

struct MemoryEstimate {
  uint64_t weight_bytes = 0;          // weights as held (the caller's count: int8 projections at 1 byte + scales)
  uint64_t lightning_state_bytes = 0; // constant per sequence: lightning layers × H × d × d × 4
  uint64_t kv_cache_bytes = 0;        // grows linearly with the context
  uint64_t activation_bytes = 0;      // peak scratch of one prefill chunk
  uint64_t total() const { return weight_bytes + lightning_state_bytes + kv_cache_bytes + activation_bytes; }
};

// Estimate for one sequence of `context_tokens` positions, with a KV cache of `kv_element_bytes` per
// element (4 on the CPU backend, which keeps f32; 2 for a bf16 cache) and prefill chunks of `chunk` tokens.
MemoryEstimate estimate_memory(const text::BackboneSpec& spec, uint64_t weight_bytes, int64_t context_tokens,
                               int kv_element_bytes, int64_t chunk);

}  // namespace lightvl::engine
