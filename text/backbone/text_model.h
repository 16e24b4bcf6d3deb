// The MiniMax-Text-01 hybrid backbone on top of the ops: embeddings in, hidden states and logits out.
//
// Decoder layer (spec §5): n1 = RMSNorm(x); h = α_a·r1 + β_a·Attn(n1); n2 = RMSNorm(h);
// out = α_m·r2 + β_m·MoE(n2), with r1 = n1, r2 = n2 under postnorm (the released models) and r1 = x,
// r2 = h otherwise. Attn is lightning or softmax per the layer spec.
#pragma once

#include <memory>
#include <vector>

#include "core/tensor.h"
#include "text/backbone/backbone_spec.h"
#include "text/backbone/backbone_weights.h"
#include "text/backbone/hybrid_state.h"
#include "text/backbone/sequence_batch.h"

namespace lightvl::io {
class Checkpoint;
struct ModelConfig;
}  // namespace lightvl::io

namespace lightvl::text {

class TextModel {
 public:
  // Binds the backbone to a validated checkpoint. On the CPU the weights stay memory-mapped; on CUDA they
  // are copied to the device once, keeping their dtype. Activations are f32 on every device.
  // Throws Error(kBadModel/kNotFound) for missing tensors, Error(kOutOfMemory) when the device is full.
  // `activation` is the dtype of the activations and the KV cache: f32 (the CPU backend's only choice)
  // or bf16 (CUDA: the released model's own precision, and what makes tensor-core GEMMs possible).
  // `weights` kInt8 quantises the attention and expert projections once while placing them
  // (place_backbone_weights); it works on both devices and throws what that function throws.
  TextModel(const io::Checkpoint& checkpoint, const io::ModelConfig& config, Device device = Device::kCpu,
            DType activation = DType::kF32, WeightFormat weights = WeightFormat::kCheckpoint);
  // A model over weights already in memory (benchmarks build random ones); `weights` must match `spec`.
  TextModel(BackboneSpec spec, BackboneWeights weights, Device device, DType activation);

  const BackboneSpec& spec() const { return spec_; }
  // Where weights live and the model computes; states for it must be made on the same device.
  Device device() const { return device_; }
  DType activation_dtype() const { return activation_; }
  // The weights (views; on the model's device), for tools that run single layers (benchmarks).
  const BackboneWeights& weights() const { return weights_; }

  // Token embeddings [T, hidden] of `ids`, on the model's device, in the activation dtype. Throws Error(kInvalidArgument) for ids outside the vocab.
  Tensor embed(const std::vector<int32_t>& ids) const;
  // The same into `out` [ids.size(), hidden] (the model's device and activation dtype), e.g. a recorded
  // graph's input buffer. Throws like embed(), and Error(kInternal) for a wrong `out`.
  void embed_into(const std::vector<int32_t>& ids, Tensor& out) const;

  // Runs T new positions (given as input embeddings [T, hidden]) through every layer, continuing from
  // `state` and advancing it by T. Returns the final-normed hidden states [T, hidden].
  // Thread-safe for distinct states: the model itself is immutable.
  Tensor forward(const Tensor& embeddings, HybridState& state) const;

  // The same for several sequences at once (batched decoding): `embeddings` stacks batch.rows[s] rows for
  // each sequence s in order; each state advances by its own rows. Projections and experts run once over
  // all rows; attention runs per sequence. Returns the final-normed hidden rows in the same order.
  Tensor forward_batch(const Tensor& embeddings, const SequenceBatch& batch) const;

  // Logits [R, vocab] f32 (on the model's device) for final-normed hidden rows [R, hidden].
  Tensor logits(const Tensor& hidden) const;

 private:
  Tensor decoder_layer(size_t index, const Tensor& x, const SequenceBatch& batch) const;

  BackboneSpec spec_;
  Device device_;
  DType activation_;
  BackboneWeights weights_;
};

}  // namespace lightvl::text
