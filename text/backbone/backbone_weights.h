// Views of the backbone's weights inside the memory-mapped checkpoint (no copies), grouped per layer.
#pragma once

#include <variant>
#include <vector>

#include "core/tensor.h"
#include "text/backbone/backbone_spec.h"

namespace lightvl::io {
class Checkpoint;
struct ModelConfig;
}  // namespace lightvl::io

namespace lightvl::text {

struct LightningWeights {
  Tensor qkv_proj;     // [3·H·d, hidden], head-major: per head q, k, v rows of d each
  Tensor output_gate;  // [H·d, hidden]
  Tensor out_proj;     // [hidden, H·d]
  Tensor norm;         // [H·d] RMSNorm over all heads together
};

struct SoftmaxWeights {
  Tensor q_proj;  // [H·d, hidden]
  Tensor k_proj;  // [Hkv·d, hidden]
  Tensor v_proj;  // [Hkv·d, hidden]
  Tensor o_proj;  // [hidden, H·d]
};

struct ExpertWeights {
  Tensor w1;  // gate projection [I, hidden]
  Tensor w3;  // up projection [I, hidden]
  Tensor w2;  // down projection [hidden, I]
};

struct MoeWeights {
  Tensor router;  // [E, hidden]
  std::vector<ExpertWeights> experts;
};

struct LayerWeights {
  Tensor input_norm;
  Tensor post_attention_norm;
  std::variant<LightningWeights, SoftmaxWeights> attention;
  MoeWeights moe;
};

struct BackboneWeights {
  Tensor embed_tokens;  // [vocab, hidden]
  Tensor final_norm;    // [hidden]
  Tensor lm_head;       // [vocab, hidden] (the embedding when tie_word_embeddings)
  std::vector<LayerWeights> layers;
};

// Looks up every backbone tensor by its registry name. The checkpoint must already be validated against
// `config` (io::validate_checkpoint); a missing tensor still throws Error(kNotFound) naming it.
// The returned views keep the checkpoint's mappings alive.
BackboneWeights load_backbone_weights(const io::Checkpoint& checkpoint, const io::ModelConfig& config,
                                      const BackboneSpec& spec);

// The same weights on `device`: unchanged for the CPU (the mapped views), copied once (same dtypes) for a
// GPU. Throws Error(kOutOfMemory) when the device cannot hold them.
BackboneWeights place_backbone_weights(BackboneWeights weights, Device device);

}  // namespace lightvl::text
