// FlashAttention-2-style bf16 softmax attention on tensor cores (attention_flash.cu): what ops::attention
// runs on CUDA for bf16 calls of at least 64 queries (attention.cu). Plain C++ header.
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace lightvl::cuda {

// True when attention_flash() can run these tensors as `sequences` stacked sequences: q [sequences·T, Hq, d],
// k and v [sequences·S, Hkv, d], out like q, all bf16 on the CUDA device, d ∈ {64, 128}, Hq a multiple of
// Hkv, sequences ≥ 1 dividing the rows of q and k, T ≥ 1, ⌈T / 64⌉ ≤ 65535, sequences ≤ 65535, and every
// tensor 16-byte aligned. Thread-safe (reads the tensors' metadata only).
bool attention_flash_supported(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                               int64_t sequences = 1);

// out = softmax(scale · q kᵀ, masked) v with the ops::attention contract, for each of `sequences`
// independent sequences stacked along the rows (sequence i: query rows [i·T, (i + 1)·T), key rows
// [i·S, (i + 1)·S)): query head h reads KV head h / (Hq / Hkv); query t sits at absolute position
// past + t and, when causal, sees keys s ≤ past + t (all S keys otherwise). Asynchronous on the current
// device stream; writes only `out`. Throws Error(kUnsupported) unless attention_flash_supported().
void attention_flash(const Tensor& q, const Tensor& k, const Tensor& v, int64_t past, bool causal, float scale,
                     Tensor& out, int64_t sequences = 1);

}  // namespace lightvl::cuda
