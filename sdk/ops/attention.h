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

// Causal attention of T new queries over a key/value cache whose fill level is held in a tensor, so that
// a decode step recorded as a graph (ops/device_graph.h) replays at later positions: q, out [T, Hq, d];
// k_cache, v_cache [C, Hkv, d], the cache's whole capacity; `past` a one-element int64 tensor on q's
// device, read when the work runs. The same result as attention(q, k_cache[0 : past + T],
// v_cache[0 : past + T], past, causal = true, scale, out). Needs past + T ≤ C: checked on the CPU
// (Error(kInvalidArgument)); on CUDA the caller ensures it (keys past C are never read). Throws
// Error(kInternal) on the shape errors of attention() and for a `past` of another dtype, size or device.
void cached_attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, const Tensor& past, float scale,
                      Tensor& out);

// Non-causal attention over `sequences` independent sequences of equal length stacked along the rows (the
// ViT's tiles): q, out [sequences·T, Hq, d], k, v [sequences·S, Hkv, d]; the queries of sequence s see only
// its S keys. The same result as ops::attention on each sequence's rows; on CUDA one launch serves every
// sequence where the flash kernel applies. Throws Error(kInternal) unless sequences ≥ 1 divides the rows
// of q and k, and on the shape errors of ops::attention.
void attention_sequences(const Tensor& q, const Tensor& k, const Tensor& v, int64_t sequences, float scale,
                         Tensor& out);

}  // namespace lightvl::ops
