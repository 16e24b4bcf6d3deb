// The per-sequence state of the hybrid backbone: a fixed-size f32 state per lightning layer and a
// growing key/value cache per softmax layer (spec §3.5, §4). One object per sequence.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"
#include "text/backbone/backbone_spec.h"

namespace lightvl::text {

// Softmax-layer cache: post-RoPE keys and values of every position so far (f32), on the state's device.
struct KvCache {
  Tensor keys;     // [capacity, kv_heads, head_dim]
  Tensor values;   // [capacity, kv_heads, head_dim]
  int64_t length = 0;
};

class HybridState {
 public:
  // Empty state (position 0) for `spec` on `device`: zero lightning states, empty KV caches.
  // The KV cache holds `kv_dtype` (the model's activation dtype); lightning states are always f32.
  explicit HybridState(const BackboneSpec& spec, Device device = Device::kCpu, DType kv_dtype = DType::kF32);

  // Tokens consumed so far: the absolute position of the next token.
  int64_t position() const { return position_; }
  // Called by the model after a forward pass over `tokens` new positions.
  void advance(int64_t tokens) { position_ += tokens; }

  // Lightning state of layer `layer` ([heads, head_dim, head_dim] f32). The layer must be lightning.
  Tensor& lightning_state(size_t layer) { return lightning_[layer]; }
  // KV cache of layer `layer`. The layer must be softmax.
  KvCache& kv_cache(size_t layer) { return kv_[layer]; }

  // Makes room for `extra` more positions in every KV cache (grows geometrically; keeps the contents).
  // Throws Error(kOutOfMemory) when the allocation fails.
  void reserve(int64_t extra);

  // Deep copy (for Session::fork): the copy evolves independently.
  HybridState clone() const;

  // A cheap restore point: the lightning states (constant size) and the KV lengths. Restoring it rewinds
  // the sequence to the snapshot's position as long as the KV rows before that position were not
  // rewritten, which holds because a sequence only ever appends.
  struct Snapshot {
    int64_t position = 0;
    std::vector<Tensor> lightning;
    std::vector<int64_t> kv_lengths;
  };
  Snapshot snapshot() const;
  // Rewinds to `s` (taken from this state, at a position ≤ the current one).
  void restore(const Snapshot& s);

  // The host counters alone (position and KV fill levels), for callers that replay a step's device work
  // from a recorded graph (text/backbone/decode_step.h): they advance the counters themselves, or put
  // them back when a recording is abandoned.
  struct Counters {
    int64_t position = 0;
    std::vector<int64_t> kv_lengths;
  };
  Counters counters() const;
  void set_counters(const Counters& c);
  // Advances the position and every KV cache's fill level by `tokens` without touching device memory.
  void advance_counters(int64_t tokens);

  // The device buffers the state's work reads and writes (lightning states, KV caches) as (address,
  // rows) pairs: two calls give the same list exactly when a step recorded on the state can be replayed
  // on it. Changes when reserve() grows a cache.
  std::vector<uintptr_t> buffer_signature() const;

  // Bytes held: the constant lightning part and the current KV part.
  size_t lightning_bytes() const;
  size_t kv_bytes() const;

 private:
  HybridState() = default;
  Device device_ = Device::kCpu;
  DType kv_dtype_ = DType::kF32;
  int64_t position_ = 0;
  std::vector<Tensor> lightning_;  // empty Tensor for softmax layers
  std::vector<KvCache> kv_;        // empty cache for lightning layers
};

}  // namespace lightvl::text
