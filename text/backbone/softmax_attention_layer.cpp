#include "text/backbone/softmax_attention_layer.h"

#include <cmath>

#include "ops/attention.h"
#include "ops/copy_rows_at.h"
#include "ops/device_memory.h"
#include "ops/linear.h"
#include "ops/rope.h"

namespace lightvl::text {

Tensor softmax_attention_layer(const BackboneSpec& spec, size_t index, const SoftmaxWeights& w, const Tensor& x,
                               const SequenceBatch& batch) {
  const int64_t tokens = x.dim(0), d = spec.head_dim;
  Tensor q = ops::empty(x.dtype(), {tokens, spec.attention_width()}, x.device());
  Tensor k = ops::empty(x.dtype(), {tokens, spec.kv_width()}, x.device());
  Tensor v = ops::empty(x.dtype(), {tokens, spec.kv_width()}, x.device());
  ops::linear(x, w.q_proj, nullptr, q);
  ops::linear(x, w.k_proj, nullptr, k);
  ops::linear(x, w.v_proj, nullptr, v);

  Tensor q_heads = q.reshaped({tokens, spec.num_heads, d});
  Tensor k_heads = k.reshaped({tokens, spec.num_kv_heads, d});
  const bool recordable = batch.positions.defined();  // positions and fill levels read on the device
  if (recordable) {
    ops::rope_inplace(q_heads, batch.positions, int(spec.rotary_dim), spec.rope_theta);
    ops::rope_inplace(k_heads, batch.positions, int(spec.rotary_dim), spec.rope_theta);
  } else {
    std::vector<int64_t> positions;  // each sequence continues from its own position
    for (size_t s = 0; s < batch.states.size(); ++s) {
      for (int64_t j = 0; j < batch.rows[s]; ++j) positions.push_back(batch.states[s]->position() + j);
    }
    ops::rope_inplace(q_heads, positions, int(spec.rotary_dim), spec.rope_theta);
    ops::rope_inplace(k_heads, positions, int(spec.rotary_dim), spec.rope_theta);
  }

  const Tensor v_heads = v.reshaped({tokens, spec.num_kv_heads, d});
  const float scale = float(1.0 / std::sqrt(double(d)));
  Tensor attended = ops::empty(x.dtype(), {tokens, spec.num_heads, d}, x.device());
  int64_t begin = 0;
  for (size_t s = 0; s < batch.states.size(); ++s) {
    const int64_t end = begin + batch.rows[s];
    KvCache& cache = batch.states[s]->kv_cache(index);
    Tensor rows_out = attended.slice_rows(begin, end);
    // Append to this sequence's cache (it stores post-RoPE keys, spec §4), then attend over all of it.
    const int64_t past = cache.length;
    if (recordable) {  // the sequence's first new position is where its rows go
      const Tensor first = batch.positions.slice_rows(begin, begin + 1);
      ops::copy_rows_at(k_heads.slice_rows(begin, end), first, cache.keys);
      ops::copy_rows_at(v_heads.slice_rows(begin, end), first, cache.values);
      ops::cached_attention(q_heads.slice_rows(begin, end), cache.keys, cache.values, first, scale, rows_out);
    } else {
      Tensor key_rows = cache.keys.slice_rows(past, past + batch.rows[s]);
      Tensor value_rows = cache.values.slice_rows(past, past + batch.rows[s]);
      ops::copy(k_heads.slice_rows(begin, end), key_rows);
      ops::copy(v_heads.slice_rows(begin, end), value_rows);
      ops::attention(q_heads.slice_rows(begin, end), cache.keys.slice_rows(0, past + batch.rows[s]),
                     cache.values.slice_rows(0, past + batch.rows[s]), past, /*causal=*/true, scale, rows_out);
    }
    cache.length = past + batch.rows[s];
    begin = end;
  }

  Tensor out = ops::empty(x.dtype(), {tokens, spec.hidden_size}, x.device());
  ops::linear(attended.reshaped({tokens, spec.attention_width()}), w.o_proj, nullptr, out);
  return out;
}

}  // namespace lightvl::text
