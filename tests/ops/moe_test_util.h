// Shared pieces of the CPU MoE op tests (test_moe_small_batch.cpp, test_moe_grouped.cpp): random
// experts, the per-expert composition the backbone's GEMM path computes (the reference both fused ops
// must equal), and the error code a call throws.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
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

// One MoE op and its `supported` predicate (ops::moe_experts_small_batch / ops::moe_experts_grouped).
using MoeOp = std::function<void(const Tensor&, const Tensor&, int, const std::vector<ops::MoeExpert>&, Tensor&)>;
using MoeSupported = std::function<bool(const Tensor&, int, const std::vector<ops::MoeExpert>&)>;

// The operand checks both MoE ops share (ops/moe_checks): on `tokens` tokens of 4 experts (hidden 16,
// I 24; weights from `seed`), each malformed call throws the stated code, int8 experts are refused as
// unsupported, and `supported` agrees. `ex` receives the experts (the caller may probe more).
inline void expect_refuses_bad_operands(const MoeOp& op, const MoeSupported& supported, int64_t tokens,
                                        uint32_t seed, Experts& ex) {
  const int64_t hidden = 16, inter = 24;
  ex = make_experts(4, hidden, inter, DType::kF32, seed);
  const Tensor x = random_tensor({tokens, hidden}, seed + 1);
  const Tensor logits = random_tensor({tokens, 4}, seed + 2);
  Tensor out = Tensor::zeros(DType::kF32, {tokens, hidden});
  const auto call = [&](const Tensor& xx, const Tensor& ll, int k, const std::vector<ops::MoeExpert>& v, Tensor& o) {
    return [&op, &xx, &ll, k, &v, &o] { op(xx, ll, k, v, o); };
  };
  EXPECT_EQ(error_code_of(call(x, logits, 5, ex.views, out)), ErrorCode::kInternal);  // top_k > E
  EXPECT_EQ(error_code_of(call(x, logits, 0, ex.views, out)), ErrorCode::kInternal);
  Tensor short_out = Tensor::zeros(DType::kF32, {tokens - 1, hidden});
  EXPECT_EQ(error_code_of(call(x, logits, 2, ex.views, short_out)), ErrorCode::kInternal);
  const Tensor wide_logits = random_tensor({tokens, 5}, seed + 3);  // 5 experts' logits for 4 experts
  EXPECT_EQ(error_code_of(call(x, wide_logits, 2, ex.views, out)), ErrorCode::kInternal);
  const Tensor narrow_x = random_tensor({tokens, hidden - 1}, seed + 4);
  Tensor narrow_out = Tensor::zeros(DType::kF32, {tokens, hidden - 1});
  EXPECT_EQ(error_code_of(call(narrow_x, logits, 2, ex.views, narrow_out)), ErrorCode::kInternal);
  EXPECT_EQ(error_code_of(call(x, logits, 2, ex.views, const_cast<Tensor&>(x))), ErrorCode::kInternal);  // alias

  std::vector<ops::MoeExpert> bad = ex.views;
  const Tensor transposed_down = random_tensor({inter, hidden}, seed + 5);
  bad[2].down = &transposed_down;
  EXPECT_EQ(error_code_of(call(x, logits, 2, bad, out)), ErrorCode::kInternal);
  const Tensor bf16_up = random_tensor({inter, hidden}, seed + 6, 1.0f, DType::kBF16);
  bad = ex.views;
  bad[1].up = &bf16_up;  // mixed weight dtypes
  EXPECT_EQ(error_code_of(call(x, logits, 2, bad, out)), ErrorCode::kInternal);
  bad = ex.views;
  bad[3].gate = nullptr;
  EXPECT_EQ(error_code_of(call(x, logits, 2, bad, out)), ErrorCode::kInternal);
  const Tensor int8_weight = Tensor::zeros(DType::kI8, {inter, hidden});
  bad = ex.views;
  for (ops::MoeExpert& e : bad) e.gate = e.up = &int8_weight;
  EXPECT_EQ(error_code_of(call(x, logits, 2, bad, out)), ErrorCode::kUnsupported);
  EXPECT_FALSE(supported(x, 2, bad));
  EXPECT_TRUE(supported(x, 2, ex.views));
}

// Every element of `t` as a double, in order (for EXPECT_EQ of whole outputs).
inline std::vector<double> as_doubles(const Tensor& t) {
  std::vector<double> v(size_t(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) v[size_t(i)] = value(t, i);
  return v;
}

}  // namespace lightvl::test
