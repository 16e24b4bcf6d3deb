#include "text/backbone/softmax_attention_layer.h"

#include <cmath>
#include <cstring>
#include <numeric>

#include "ops/attention.h"
#include "ops/linear.h"
#include "ops/rope.h"

namespace lightvl::text {

Tensor softmax_attention_layer(const BackboneSpec& spec, const SoftmaxWeights& w, const Tensor& x,
                               int64_t first_position, KvCache& cache) {
  const int64_t tokens = x.dim(0), d = spec.head_dim;
  Tensor q = Tensor::zeros(DType::kF32, {tokens, spec.attention_width()});
  Tensor k = Tensor::zeros(DType::kF32, {tokens, spec.kv_width()});
  Tensor v = Tensor::zeros(DType::kF32, {tokens, spec.kv_width()});
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
  std::memcpy(cache.keys.slice_rows(past, past + tokens).raw(), k.raw(), k.nbytes());
  std::memcpy(cache.values.slice_rows(past, past + tokens).raw(), v.raw(), v.nbytes());
  cache.length = past + tokens;

  Tensor attended = Tensor::zeros(DType::kF32, {tokens, spec.num_heads, d});
  ops::attention(q_heads, cache.keys.slice_rows(0, cache.length), cache.values.slice_rows(0, cache.length), past,
                 /*causal=*/true, float(1.0 / std::sqrt(double(d))), attended);

  Tensor out = Tensor::zeros(DType::kF32, {tokens, spec.hidden_size});
  ops::linear(attended.reshaped({tokens, spec.attention_width()}), w.o_proj, nullptr, out);
  return out;
}

}  // namespace lightvl::text
