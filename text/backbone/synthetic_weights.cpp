#include "text/backbone/synthetic_weights.h"

#include <cmath>

#include "ops/device_memory.h"
#include "ops/random_fill.h"

namespace lightvl::text {
namespace {

struct Maker {
  Device device;
  DType dtype;
  uint64_t seed;
  uint64_t next = 0;

  Tensor make(Shape shape, float low, float high) {
    Tensor t = ops::empty(dtype, std::move(shape), device);
    ops::fill_uniform(t, low, high, seed * 1000003ull + next++);
    return t;
  }
  Tensor linear(int64_t out, int64_t in) {
    const float a = float(1.0 / std::sqrt(double(in)));
    return make({out, in}, -a, a);
  }
  Tensor norm(int64_t n) { return make({n}, 0.9f, 1.1f); }
};

}  // namespace

BackboneSpec minimax_text01_slice(int blocks, int lightning_per_softmax) {
  BackboneSpec s;
  s.vocab_size = 200064;
  s.hidden_size = 6144;
  s.num_heads = 64;
  s.num_kv_heads = 8;
  s.head_dim = 128;
  s.rotary_dim = 64;
  s.rope_theta = 1e7;
  s.intermediate_size = 9216;
  s.num_experts = 32;
  s.experts_per_token = 2;
  const float alpha = float(std::pow(2.0 * 80, 0.25));  // the released DeepNorm alpha (spec §1.1)
  for (int b = 0; b < blocks; ++b) {
    for (int i = 0; i <= lightning_per_softmax; ++i) {
      LayerSpec l;
      const int index = b * (lightning_per_softmax + 1) + i;
      l.kind = i == lightning_per_softmax ? AttentionKind::kSoftmax : AttentionKind::kLightning;
      l.attention = {alpha, 1.0f};
      l.mlp = {alpha, 1.0f};
      if (l.kind == AttentionKind::kLightning) l.decay_rates = lightning_decay_rates(s.num_heads, index, 80);
      s.layers.push_back(std::move(l));
    }
  }
  return s;
}

BackboneWeights random_backbone_weights(const BackboneSpec& spec, Device device, DType dtype, uint64_t seed) {
  Maker m{device, dtype, seed};
  const int64_t h = spec.hidden_size, width = spec.attention_width();
  BackboneWeights w;
  w.embed_tokens = m.make({spec.vocab_size, h}, -1.0f, 1.0f);
  w.final_norm = m.norm(h);
  w.lm_head = m.linear(spec.vocab_size, h);
  for (const LayerSpec& l : spec.layers) {
    LayerWeights lw;
    lw.input_norm = m.norm(h);
    lw.post_attention_norm = m.norm(h);
    if (l.kind == AttentionKind::kLightning) {
      lw.attention = LightningWeights{m.linear(3 * width, h), m.linear(width, h), m.linear(h, width), m.norm(width)};
    } else {
      lw.attention = SoftmaxWeights{m.linear(width, h), m.linear(spec.kv_width(), h), m.linear(spec.kv_width(), h),
                                    m.linear(h, width)};
    }
    lw.moe.router = m.linear(spec.num_experts, h);
    for (int64_t e = 0; e < spec.num_experts; ++e) {
      lw.moe.experts.push_back({m.linear(spec.intermediate_size, h), m.linear(spec.intermediate_size, h),
                                m.linear(h, spec.intermediate_size)});
    }
    w.layers.push_back(std::move(lw));
  }
  return w;
}

}  // namespace lightvl::text
