#include "engine/memory_estimate.h"

#include <algorithm>

namespace lightvl::engine {

MemoryEstimate estimate_memory(const text::BackboneSpec& spec, uint64_t weight_bytes, int64_t context_tokens,
                               int kv_element_bytes, int64_t chunk) {
  MemoryEstimate m;
  m.weight_bytes = weight_bytes;
  uint64_t lightning_layers = 0, softmax_layers = 0;
  for (const text::LayerSpec& l : spec.layers) {
    (l.kind == text::AttentionKind::kLightning ? lightning_layers : softmax_layers) += 1;
  }
  const uint64_t d = uint64_t(spec.head_dim);
  m.lightning_state_bytes = lightning_layers * uint64_t(spec.num_heads) * d * d * 4;
  m.kv_cache_bytes = softmax_layers * 2 * uint64_t(spec.num_kv_heads) * d * uint64_t(std::max<int64_t>(context_tokens, 0)) *
                     uint64_t(kv_element_bytes);
  // Widest live activations of a chunk: the qkv projection (3·width), q/k/v/out copies (4·width),
  // a few hidden-size buffers, the expert intermediates and the block score matrix, all f32.
  const uint64_t c = uint64_t(std::min<int64_t>(std::max<int64_t>(chunk, 1), std::max<int64_t>(context_tokens, 1)));
  const uint64_t width = uint64_t(spec.attention_width());
  const uint64_t per_token = 7 * width + 6 * uint64_t(spec.hidden_size) + 3 * uint64_t(spec.intermediate_size) +
                             uint64_t(spec.vocab_size);
  m.activation_bytes = c * per_token * 4 + uint64_t(spec.block_size) * uint64_t(spec.block_size) * 4;
  return m;
}

}  // namespace lightvl::engine
