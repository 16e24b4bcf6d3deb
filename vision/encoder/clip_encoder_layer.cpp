#include "vision/encoder/clip_encoder_layer.h"

#include <cmath>

#include "core/error.h"
#include "ops/activation.h"
#include "ops/attention.h"
#include "ops/device_memory.h"
#include "ops/linear.h"
#include "ops/norm.h"

namespace lightvl::vision {
namespace {

// A new activation tensor like `x` (its device and dtype), of `shape`.
Tensor like(const Tensor& x, Shape shape) { return ops::empty(x.dtype(), std::move(shape), x.device()); }

// MHA over each sequence (tile) separately, all tiles in one ops::attention_sequences call; the
// projections run over all rows at once (one GEMM each).
Tensor self_attention(const io::VisionConfig& config, const ClipLayerWeights& w, const Tensor& normed,
                      int64_t sequences) {
  const int64_t rows = normed.dim(0), hidden = config.hidden_size;
  const int64_t heads = config.num_attention_heads, d = config.head_dim();
  Tensor q = like(normed, {rows, hidden}), k = like(normed, {rows, hidden}), v = like(normed, {rows, hidden});
  ops::linear(normed, w.q_weight, &w.q_bias, q);
  ops::linear(normed, w.k_weight, &w.k_bias, k);
  ops::linear(normed, w.v_weight, &w.v_bias, v);

  const Tensor qh = q.reshaped({rows, heads, d}), kh = k.reshaped({rows, heads, d}), vh = v.reshaped({rows, heads, d});
  Tensor attended = like(normed, {rows, heads, d});
  ops::attention_sequences(qh, kh, vh, sequences, float(1.0 / std::sqrt(double(d))), attended);
  Tensor projected = like(normed, {rows, hidden});
  ops::linear(attended.reshaped({rows, hidden}), w.out_weight, &w.out_bias, projected);
  return projected;
}

}  // namespace

Tensor clip_encoder_layer(const io::VisionConfig& config, const ClipLayerWeights& w, const Tensor& x,
                          int64_t sequences) {
  require(x.rank() == 2 && x.dim(1) == config.hidden_size && sequences > 0 && x.dim(0) % sequences == 0,
          ErrorCode::kInternal,
          "clip_encoder_layer: input " + shape_string(x.shape()) + " is not " + std::to_string(sequences) +
              " sequences of width " + std::to_string(config.hidden_size));
  const float eps = float(config.layer_norm_eps);
  const int64_t rows = x.dim(0);

  Tensor n1 = like(x, x.shape());
  ops::layer_norm(x, w.norm1_weight, w.norm1_bias, eps, n1);
  const Tensor attn = self_attention(config, w, n1, sequences);
  Tensor h = like(x, x.shape());
  ops::scaled_add(1.0f, x, 1.0f, attn, h);

  Tensor n2 = like(x, x.shape());
  ops::layer_norm(h, w.norm2_weight, w.norm2_bias, eps, n2);
  Tensor inner = like(x, {rows, config.intermediate_size});
  ops::linear(n2, w.fc1_weight, &w.fc1_bias, inner);
  ops::gelu_inplace(inner, config.hidden_act == io::Activation::kQuickGelu ? ops::GeluKind::kQuick
                                                                           : ops::GeluKind::kExact);
  Tensor mlp = like(x, x.shape());
  ops::linear(inner, w.fc2_weight, &w.fc2_bias, mlp);
  Tensor out = like(x, x.shape());
  ops::scaled_add(1.0f, h, 1.0f, mlp, out);
  return out;
}

}  // namespace lightvl::vision
