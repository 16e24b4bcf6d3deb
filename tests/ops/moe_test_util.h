// Shared pieces of the CPU MoE op tests (test_moe_small_batch.cpp, test_moe_grouped.cpp): random
// experts, the per-expert composition the backbone's GEMM path computes (the reference both fused ops
// must equal), and the error code a call throws.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "core/error.h"
#include "op_test_util.h"
#include "ops/activation.h"
#include "ops/linear.h"
#include "ops/moe.h"
#include "ops/moe_small_batch.h"

namespace lightvl::test {

// E experts of random SwiGLU weights in `dtype`, scaled so the products stay O(1), and their views.
struct Experts {
  std::vector<Tensor> gate, up, down;
  std::vector<ops::MoeExpert> views;  // into the vectors above: built once they are complete
};

inline Experts make_experts(int num_experts, int64_t hidden, int64_t inter, DType dtype, uint32_t seed) {
  Experts ex;
  for (int e = 0; e < num_experts; ++e) {
    const uint32_t s = seed + 3 * uint32_t(e);
    ex.gate.push_back(random_tensor({inter, hidden}, s, 1.0f / std::sqrt(float(hidden)), dtype));
    ex.up.push_back(random_tensor({inter, hidden}, s + 1, 1.0f / std::sqrt(float(hidden)), dtype));
    ex.down.push_back(random_tensor({hidden, inter}, s + 2, 1.0f / std::sqrt(float(inter)), dtype));
  }
  for (size_t e = 0; e < ex.gate.size(); ++e) ex.views.push_back({&ex.gate[e], &ex.up[e], &ex.down[e]});
  return ex;
}

// The per-expert composition of text/backbone/moe_block.cpp (the GEMM path), in f32: moe_route, then per
// expert gather_rows, linear, linear, swiglu, linear, scatter_add_rows.
inline Tensor moe_composition(const Tensor& x, const Tensor& logits, int top_k, const Experts& ex) {
  const int64_t tokens = x.dim(0), hidden = x.dim(1), inter = ex.gate[0].dim(0);
  const ops::Routing routing = ops::moe_route(logits, top_k);
  Tensor out = Tensor::zeros(DType::kF32, {tokens, hidden});
  for (size_t e = 0; e < ex.gate.size(); ++e) {
    std::vector<int32_t> rows;
    std::vector<float> scales;
    for (int64_t t = 0; t < tokens; ++t) {
      for (int j = 0; j < top_k; ++j) {
        const size_t slot = size_t(t * top_k + j);
        if (routing.expert_ids[slot] == int32_t(e)) {
          rows.push_back(int32_t(t));
          scales.push_back(routing.weights[slot]);
        }
      }
    }
    if (rows.empty()) continue;
    const int64_t n = int64_t(rows.size());
    Tensor xs = Tensor::zeros(DType::kF32, {n, hidden});
    ops::gather_rows(x, rows, xs);
    Tensor g = Tensor::zeros(DType::kF32, {n, inter}), u = Tensor::zeros(DType::kF32, {n, inter});
    ops::linear(xs, ex.gate[e], nullptr, g);
    ops::linear(xs, ex.up[e], nullptr, u);
    ops::swiglu(g, u, g);
    Tensor y = Tensor::zeros(DType::kF32, {n, hidden});
    ops::linear(g, ex.down[e], nullptr, y);
    ops::scatter_add_rows(y, rows, scales, out);
  }
  return out;
}

// Runs `f` and returns the code of the lightvl::Error it throws (a test failure when none); prints the
// message so a run shows what the user would read.
template <typename F>
ErrorCode error_code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    std::printf("[ message ] %s\n", e.what());
    return e.code();
  }
  ADD_FAILURE() << "no Error thrown";
  return ErrorCode::kInternal;
}

}  // namespace lightvl::test
