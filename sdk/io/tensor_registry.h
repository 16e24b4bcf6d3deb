// The one place checkpoint tensor names are built (spec section 2).
//
// Model code asks this file for names (layer_tensor(cfg, 3, kQProj) →
// "language_model.model.layers.3.self_attn.q_proj.weight" in a VL checkpoint, "model.layers.3...." in a
// text one) instead of formatting strings itself, and the loader checks a checkpoint against the list
// expected_tensors() makes from the same constants, so a typo cannot hide in one of the two places.
//
// Layouts (PyTorch [out, in] for linear weights):
//  - Lightning qkv_proj is [3·heads·head_dim, hidden], head-major: head h owns rows
//    [3·head_dim·h, 3·head_dim·(h+1)), split q | k | v.
//  - Experts are per expert: w1 (gate) and w3 (up) [intermediate, hidden], w2 (down) [hidden,
//    intermediate].
//  - VL text tensors carry the "language_model." prefix; vision, projector and image_newline do not.
// Every function here is pure (reads only its arguments) and thread-safe; none throws except
// std::bad_alloc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.h"
#include "io/model_config.h"

namespace lightvl::io {

// Text tensors outside the layers: pass to global_tensor().
inline constexpr std::string_view kEmbedTokens = "model.embed_tokens.weight";  // [vocab, hidden]
inline constexpr std::string_view kFinalNorm = "model.norm.weight";            // [hidden]
inline constexpr std::string_view kLmHead = "lm_head.weight";                  // [vocab, hidden]

// Per-layer suffixes: pass to layer_tensor().
inline constexpr std::string_view kInputNorm = "input_layernorm.weight";                  // [hidden]
inline constexpr std::string_view kPostAttentionNorm = "post_attention_layernorm.weight";  // [hidden]
inline constexpr std::string_view kRouter = "block_sparse_moe.gate.weight";               // [experts, hidden]
// Lightning layers.
inline constexpr std::string_view kLightningQkv = "self_attn.qkv_proj.weight";      // [3·heads·head_dim, hidden]
inline constexpr std::string_view kLightningGate = "self_attn.output_gate.weight";  // [heads·head_dim, hidden]
inline constexpr std::string_view kLightningOut = "self_attn.out_proj.weight";      // [hidden, heads·head_dim]
inline constexpr std::string_view kLightningNorm = "self_attn.norm.weight";         // [heads·head_dim]
// Softmax layers.
inline constexpr std::string_view kQProj = "self_attn.q_proj.weight";  // [heads·head_dim, hidden]
inline constexpr std::string_view kKProj = "self_attn.k_proj.weight";  // [kv_heads·head_dim, hidden]
inline constexpr std::string_view kVProj = "self_attn.v_proj.weight";  // [kv_heads·head_dim, hidden]
inline constexpr std::string_view kOProj = "self_attn.o_proj.weight";  // [hidden, heads·head_dim]

// The three matrices of one expert (SwiGLU: w2 · (silu(w1 x) ⊙ w3 x)).
enum class ExpertMatrix { kGate /* w1 */, kDown /* w2 */, kUp /* w3 */ };

// Vision tower suffixes: pass to vision_tensor().
inline constexpr std::string_view kClassEmbedding = "embeddings.class_embedding";                // [hidden]
inline constexpr std::string_view kPatchEmbedding = "embeddings.patch_embedding.weight";         // [hidden, 3, p, p]
inline constexpr std::string_view kPositionEmbedding = "embeddings.position_embedding.weight";   // [positions, hidden]
inline constexpr std::string_view kPreNormWeight = "pre_layrnorm.weight";  // (sic: CLIP's spelling)
inline constexpr std::string_view kPreNormBias = "pre_layrnorm.bias";
// Vision encoder layer suffixes: pass to vision_layer_tensor(). Each has ".weight" and ".bias"
// variants; append the one you need.
inline constexpr std::string_view kVisionQ = "self_attn.q_proj";      // [hidden, hidden]
inline constexpr std::string_view kVisionK = "self_attn.k_proj";      // [hidden, hidden]
inline constexpr std::string_view kVisionV = "self_attn.v_proj";      // [hidden, hidden]
inline constexpr std::string_view kVisionOut = "self_attn.out_proj";  // [hidden, hidden]
inline constexpr std::string_view kVisionNorm1 = "layer_norm1";       // [hidden]
inline constexpr std::string_view kVisionNorm2 = "layer_norm2";       // [hidden]
inline constexpr std::string_view kVisionFc1 = "mlp.fc1";             // [intermediate, hidden]
inline constexpr std::string_view kVisionFc2 = "mlp.fc2";             // [hidden, intermediate]
// Projector and newline: complete names (no prefix).
inline constexpr std::string_view kProjector1Weight = "multi_modal_projector.linear_1.weight";  // [text hidden, vision hidden]
inline constexpr std::string_view kProjector1Bias = "multi_modal_projector.linear_1.bias";      // [text hidden]
inline constexpr std::string_view kProjector2Weight = "multi_modal_projector.linear_2.weight";  // [text hidden, text hidden]
inline constexpr std::string_view kProjector2Bias = "multi_modal_projector.linear_2.bias";      // [text hidden]
inline constexpr std::string_view kImageNewline = "image_newline";                              // [text hidden]

// One tensor a checkpoint must (or may) hold.
struct TensorSpec {
  std::string name;
  Shape shape;
  bool required = true;  // false: may be absent, but must have this shape when present (tied lm_head)
};

// cfg.text_weight_prefix + name, e.g. global_tensor(cfg, kEmbedTokens). Never fails.
std::string global_tensor(const ModelConfig& cfg, std::string_view name);
// "<prefix>model.layers.<layer>.<suffix>". Never fails (the layer index is not range-checked).
std::string layer_tensor(const ModelConfig& cfg, int layer, std::string_view suffix);
// "<prefix>model.layers.<layer>.block_sparse_moe.experts.<expert>.w{1,2,3}.weight".
std::string expert_tensor(const ModelConfig& cfg, int layer, int expert, ExpertMatrix matrix);
// "vision_tower.vision_model.<suffix>".
std::string vision_tensor(std::string_view suffix);
// "vision_tower.vision_model.encoder.layers.<layer>.<suffix>".
std::string vision_layer_tensor(int layer, std::string_view suffix);

// Every text tensor with its shape, in checkpoint order: globals, then layer by layer (spec 2.1).
// For tie_word_embeddings the lm_head entry is optional. Returns by value; thread-safe.
std::vector<TensorSpec> text_tensor_specs(const ModelConfig& cfg);
// Vision tower, projector and image_newline (spec 2.2); empty for a text-only config.
std::vector<TensorSpec> vision_tensor_specs(const ModelConfig& cfg);
// text_tensor_specs followed by vision_tensor_specs.
std::vector<TensorSpec> expected_tensors(const ModelConfig& cfg);

// True for the lightning decay buffers transformers-native checkpoints may carry (names ending in
// slope_rate, query_decay, key_decay or diagonal_decay): derived from the config, never read.
bool is_derived_buffer(std::string_view name);

}  // namespace lightvl::io
