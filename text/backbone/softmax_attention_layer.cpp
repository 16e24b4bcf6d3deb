#include "text/backbone/softmax_attention_layer.h"

#include <cmath>
#include <numeric>

#include "ops/attention.h"
#include "ops/device_memory.h"
#include "ops/linear.h"
#include "ops/rope.h"

namespace lightvl::text {

Tensor softmax_attention_layer(const BackboneSpec& spec, const SoftmaxWeights& w, const Tensor& x,
                               int64_t first_position, KvCache& cache) {
  const int64_t tokens = x.dim(0), d = spec.head_dim;
  Tensor q = ops::empty(x.dtype(), {tokens, spec.attention_width()}, x.device());
  Tensor k = ops::empty(x.dtype(), {tokens, spec.kv_width()}, x.device());
  Tensor v = ops::empty(x.dtype(), {tokens, spec.kv_width()}, x.device());
  ops::linear(x, w.q_proj, nullptr, q);
  ops::linear(x, w.k_proj, nullptr, k);
  ops::linear(x, w.v_proj, nullptr, v);

  std::vector<int64_t> positions(static_cast<size_t>(tokens));
  std::iota(positions.begin(), positions.end(), first_position);
  Tensor q_heads = q.reshaped({tokens, spec.num_heads, d});
  Tensor k_heads = k.reshaped({tokens, spec.num_kv_heads, d});
  ops::rope_inplace(q_heads, positions, int(spec.rotary_dim), spec.rope_theta);
  ops::rope_inplace(k_heads, positions, int(spec.rotary_dim), spec.rope_theta);

  // Append to the cache (the cache stores post-RoPE keys, spec §4).
  const int64_t past = cache.length;
  Tensor key_rows = cache.keys.slice_rows(past, past + tokens);
  Tensor value_rows = cache.values.slice_rows(past, past + tokens);
  ops::copy(k_heads, key_rows);
  ops::copy(v.reshaped({tokens, spec.num_kv_heads, d}), value_rows);
  cache.length = past + tokens;

  Tensor attended = ops::empty(x.dtype(), {tokens, spec.num_heads, d}, x.device());
  ops::attention(q_heads, cache.keys.slice_rows(0, cache.length), cache.values.slice_rows(0, cache.length), past,
                 /*causal=*/true, float(1.0 / std::sqrt(double(d))), attended);

  Tensor out = ops::empty(x.dtype(), {tokens, spec.hidden_size}, x.device());
  ops::linear(attended.reshaped({tokens, spec.attention_width()}), w.o_proj, nullptr, out);
  return out;
}

}  // namespace lightvl::text
