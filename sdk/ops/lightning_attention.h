// Lightning attention: linear attention with a per-head exponential decay and a constant-size state.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace lightvl::ops {

// For each head h with decay λ_h = exp(−decay_rates[h]) and state S_h [d_k, d_v] (f32), over tokens t:
//     S_h ← λ_h · S_h + k_tᵀ v_t        o_t = q_t · S_h
// starting from `state` and leaving the final state in it (spec §3.3: the current token is included,
// no normaliser, no scaling). q, k, v, out: [T, H, d] f32 (q, k, v already activated); state:
// [H, d, d] f32; decay_rates: H rates r_h > 0. The CPU kernel evaluates it block-parallel (spec §3.4)
// with blocks of `block_size` tokens; every block size gives the same result up to rounding.
// Throws Error(kInternal) on shape mismatch. Not thread-safe for a shared `state`.
void lightning_attention(const Tensor& q, const Tensor& k, const Tensor& v, const std::vector<float>& decay_rates,
                         int block_size, Tensor& state, Tensor& out);

}  // namespace lightvl::ops
