// Views of the backbone's weights inside the memory-mapped checkpoint (no copies), grouped per layer,
// and their placement on the compute device, optionally as weight-only int8.
//
// The projections (lightning qkv_proj/output_gate/out_proj, softmax q/k/v/o_proj, the experts' w1/w3/w2)
// are ops::LinearWeight: the checkpoint's float matrix, or its int8 form with per-row scales. The
// embedding, lm_head, routers and norms always keep the checkpoint's dtype.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "core/tensor.h"
#include "ops/linear.h"
#include "text/backbone/backbone_spec.h"

namespace lightvl::io {
class Checkpoint;
struct ModelConfig;
}  // namespace lightvl::io

namespace lightvl::text {

using ops::LinearWeight;

struct LightningWeights {
  LinearWeight qkv_proj;     // [3·H·d, hidden], head-major: per head q, k, v rows of d each
  LinearWeight output_gate;  // [H·d, hidden]
  LinearWeight out_proj;     // [hidden, H·d]
  Tensor norm;               // [H·d] RMSNorm over all heads together
};

struct SoftmaxWeights {
  LinearWeight q_proj;  // [H·d, hidden]
  LinearWeight k_proj;  // [Hkv·d, hidden]
  LinearWeight v_proj;  // [Hkv·d, hidden]
  LinearWeight o_proj;  // [hidden, H·d]
};

struct ExpertWeights {
  LinearWeight w1;  // gate projection [I, hidden]
  LinearWeight w3;  // up projection [I, hidden]
  LinearWeight w2;  // down projection [hidden, I]
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

// How the projections are held once placed (the other weights always keep the checkpoint's dtype).
enum class WeightFormat {
  kCheckpoint,  // the checkpoint's own dtype (bf16, f16 or f32)
  kInt8,        // weight-only int8, one f32 scale per output row (ops/quantize.h)
};

// "checkpoint" / "int8": for messages.
const char* weight_format_name(WeightFormat format);

// The same weights on `device` in `format`. kCheckpoint: unchanged for the CPU (the mapped views), copied
// once (same dtypes) for a GPU. kInt8: each projection is quantised on the host, in f32 from its own
// dtype, one matrix at a time (host memory peaks at one matrix), and the int8 matrix and its scales are
// moved to `device`; a projection already on a device is brought to the host first. Deterministic: the
// CPU and CUDA get bit-identical int8 weights. Throws Error(kOutOfMemory) when the device cannot hold
// them, Error(kUnsupported) naming the tensor when a projection is not f32/f16/bf16, Error(kBadModel)
// when one holds a non-finite value.
BackboneWeights place_backbone_weights(BackboneWeights weights, Device device,
                                       WeightFormat format = WeightFormat::kCheckpoint);

// Bytes the weights occupy as held: every distinct tensor once (a tied lm_head counts once), int8
// projections with their scales. Used for memory estimates.
uint64_t held_weight_bytes(const BackboneWeights& weights);

}  // namespace lightvl::text
