// Softmax (dot-product) attention with grouped-query heads, causal or not.
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace lightvl::ops {

// out[t, h] = Σ_s softmax_s(scale · q[t, h]·k[s, g]) v[s, g], g = h / (Hq / Hkv) (GQA).
// q, out: [T, Hq, d]; k, v: [S, Hkv, d] (all f32); Hq must be a multiple of Hkv.
// causal: query t sits at absolute position past + t and sees keys 0 .. past + t (so S ≥ past + T);
// otherwise every query sees all S keys (the ViT). Softmax in f32 with max subtraction.
// Throws Error(kInternal) on shape mismatch.
void attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
               Tensor& out);

}  // namespace lightvl::ops
