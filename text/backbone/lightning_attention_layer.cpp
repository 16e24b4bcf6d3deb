#include "text/backbone/lightning_attention_layer.h"

#include "ops/activation.h"
#include "ops/copy_columns.h"
#include "ops/device_memory.h"
#include "ops/lightning_attention.h"
#include "ops/linear.h"
#include "ops/norm.h"

namespace lightvl::text {
namespace {

// Splits the head-major projection [T, H·3d] (per head: q | k | v) into three [T, H, d] tensors: seen as
// [T·H, 3d], q, k and v are its column blocks [0, d), [d, 2d) and [2d, 3d).
void split_head_major(const Tensor& qkv, int64_t heads, int64_t d, Tensor& q, Tensor& k, Tensor& v) {
  const Tensor rows = qkv.reshaped({qkv.dim(0) * heads, 3 * d});
  int64_t begin = 0;
  for (Tensor* part : {&q, &k, &v}) {
    Tensor flat = part->reshaped({qkv.dim(0) * heads, d});
    ops::copy_columns(rows, begin, flat);
    begin += d;
  }
}

}  // namespace

Tensor lightning_attention_layer(const BackboneSpec& spec, size_t index, const LightningWeights& w, const Tensor& x,
                                 const SequenceBatch& batch) {
  const LayerSpec& layer = spec.layers[index];
  const int64_t tokens = x.dim(0), heads = spec.num_heads, d = spec.head_dim, width = spec.attention_width();
  Tensor qkv = ops::empty(x.dtype(), {tokens, 3 * width}, x.device());
  ops::linear(x, w.qkv_proj, nullptr, qkv);
  ops::silu_inplace(qkv);  // SiLU on all of q, k and v (spec §3.1)

  Tensor q = ops::empty(x.dtype(), {tokens, heads, d}, x.device());
  Tensor k = ops::empty(x.dtype(), {tokens, heads, d}, x.device());
  Tensor v = ops::empty(x.dtype(), {tokens, heads, d}, x.device());
  split_head_major(qkv, heads, d, q, k, v);

  Tensor attended = ops::empty(x.dtype(), {tokens, heads, d}, x.device());
  int64_t begin = 0;
  for (size_t s = 0; s < batch.states.size(); ++s) {  // each sequence through its own state
    const int64_t end = begin + batch.rows[s];
    Tensor rows_out = attended.slice_rows(begin, end);
    ops::lightning_attention(q.slice_rows(begin, end), k.slice_rows(begin, end), v.slice_rows(begin, end),
                             layer.decay_rates, spec.block_size, batch.states[s]->lightning_state(index), rows_out);
    begin = end;
  }

  Tensor y = attended.reshaped({tokens, width});
  ops::rms_norm(y, w.norm, spec.lightning_norm_eps, y);
  Tensor gate = ops::empty(x.dtype(), {tokens, width}, x.device());
  ops::linear(x, w.output_gate, nullptr, gate);  // the gate reads the same normed layer input
  ops::sigmoid_gate_inplace(y, gate);

  Tensor out = ops::empty(x.dtype(), {tokens, spec.hidden_size}, x.device());
  ops::linear(y, w.out_proj, nullptr, out);
  return out;
}

}  // namespace lightvl::text
