#include "text/backbone/lightning_attention_layer.h"

#include <cstring>

#include "ops/activation.h"
#include "ops/lightning_attention.h"
#include "ops/linear.h"
#include "ops/norm.h"

namespace lightvl::text {
namespace {

// Splits the head-major projection [T, H·3d] (per head: q | k | v) into three [T, H, d] tensors.
void split_head_major(const Tensor& qkv, int64_t heads, int64_t d, Tensor& q, Tensor& k, Tensor& v) {
  const int64_t tokens = qkv.dim(0);
  const float* src = qkv.data<float>();
  for (int64_t t = 0; t < tokens; ++t) {
    for (int64_t h = 0; h < heads; ++h) {
      const float* head = src + (t * heads + h) * 3 * d;
      const int64_t dst = (t * heads + h) * d;
      std::memcpy(q.data<float>() + dst, head, size_t(d) * sizeof(float));
      std::memcpy(k.data<float>() + dst, head + d, size_t(d) * sizeof(float));
      std::memcpy(v.data<float>() + dst, head + 2 * d, size_t(d) * sizeof(float));
    }
  }
}

}  // namespace

Tensor lightning_attention_layer(const BackboneSpec& spec, const LayerSpec& layer, const LightningWeights& w,
                                 const Tensor& x, Tensor& state) {
  const int64_t tokens = x.dim(0), heads = spec.num_heads, d = spec.head_dim, width = spec.attention_width();
  Tensor qkv = Tensor::zeros(DType::kF32, {tokens, 3 * width});
  ops::linear(x, w.qkv_proj, nullptr, qkv);
  ops::silu_inplace(qkv);  // SiLU on all of q, k and v (spec §3.1)

  Tensor q = Tensor::zeros(DType::kF32, {tokens, heads, d});
  Tensor k = Tensor::zeros(DType::kF32, {tokens, heads, d});
  Tensor v = Tensor::zeros(DType::kF32, {tokens, heads, d});
  split_head_major(qkv, heads, d, q, k, v);

  Tensor attended = Tensor::zeros(DType::kF32, {tokens, heads, d});
  ops::lightning_attention(q, k, v, layer.decay_rates, spec.block_size, state, attended);

  Tensor y = attended.reshaped({tokens, width});
  ops::rms_norm(y, w.norm, spec.lightning_norm_eps, y);
  Tensor gate = Tensor::zeros(DType::kF32, {tokens, width});
  ops::linear(x, w.output_gate, nullptr, gate);  // the gate reads the same normed layer input
  ops::sigmoid_gate_inplace(y, gate);

  Tensor out = Tensor::zeros(DType::kF32, {tokens, spec.hidden_size});
  ops::linear(y, w.out_proj, nullptr, out);
  return out;
}

}  // namespace lightvl::text
